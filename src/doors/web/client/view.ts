// What main.ts hands each view it renders (the list, the form, the log, a delivery, events).
export interface View {
  main: HTMLElement;
  signal: AbortSignal;
  params: string[];
  /** Render this view again (after a change it shows in several places). */
  refresh: () => void;
}
