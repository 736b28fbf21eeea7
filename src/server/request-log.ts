/**
 * What the request log says of a request. Query strings carry what people search customers by (a
 * name, a phone number, an e-mail: `?q=`, `?email=`, `?phone=`), and the log goes wherever the
 * operator sends standard output, outside the 0600 files Kith keeps personal data in. So the log keeps
 * each parameter's name, and its value only for parameters that never hold personal data.
 */
import type { FastifyRequest } from 'fastify';

/** Parameters whose values are paging, formats, states or dates, never a customer's details. */
const SHOWN_PARAMETERS = new Set([
  'after',
  'all',
  'band',
  'before',
  'cursor',
  'format',
  'include',
  'kind',
  'limit',
  'order',
  'since',
  'sort',
  'state',
  'status',
]);

/** `url` with every query value but those of SHOWN_PARAMETERS replaced by `***`. */
export function loggedUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // A name that is not valid percent-encoding is shown as sent; its value is hidden.
      }
      return SHOWN_PARAMETERS.has(decoded) ? pair : `${name}=***`;
    })
    .join('&');
  return `${url.slice(0, at)}?${query}`;
}

/** The request log's `req`: Fastify's own fields, with the query's values hidden. */
export function loggedRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: loggedUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
