// Loaded into a service process with `node --import`: importing any @opentelemetry package then
// fails, so a test can see that the service starts without loading one (tracing off), and that
// it does load them when tracing is on.
import { register } from 'node:module';

const hook = `export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@opentelemetry/')) throw new Error('fixture: ' + specifier + ' was imported');
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
