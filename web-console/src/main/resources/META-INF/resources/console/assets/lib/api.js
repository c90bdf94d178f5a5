// The console's only way to the cluster: Strata's public HTTP API (v3 admin, record reads, SSE tails).
// Errors come back as ApiError carrying the REST error body's message and error_code.

export class ApiError extends Error {
  constructor(status, body, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.errorCode = body && body.error_code;
  }
}

export async function request(method, path, body, { signal, headers } = {}) {
  const init = { method, signal, headers: { Accept: 'application/json', ...headers } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, null, 'The platform did not answer (' + e.message + '). Is it running?');
  }
  const text = await res.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = null; }
  }
  if (!res.ok) {
    const message = (json && (json.message || json.error)) || `${res.status} ${res.statusText || 'error'}`;
    throw new ApiError(res.status, json, message);
  }
  return json;
}

let cluster;

/** The id of the cluster this platform serves (the first and only one v3 lists). */
export function clusterId() {
  if (!cluster) {
    cluster = request('GET', '/v3/clusters').then(r => {
      if (!r.data || r.data.length === 0) throw new ApiError(503, null, 'The platform reports no cluster yet');
      return r.data[0].cluster_id;
    });
    cluster.catch(() => { cluster = undefined; });
  }
  return cluster;
}

/** The path of a v3 resource of this cluster: v3path('/topics') is /v3/clusters/{id}/topics. */
export async function v3path(path = '') {
  return '/v3/clusters/' + encodeURIComponent(await clusterId()) + path;
}

/** v3 calls relative to /v3/clusters/{cluster_id}. */
export const v3 = {
  get: async (path, opts) => request('GET', await v3path(path), undefined, opts),
  post: async (path, body, opts) => request('POST', await v3path(path), body, opts),
  put: async (path, body, opts) => request('PUT', await v3path(path), body, opts),
  patch: async (path, body, opts) => request('PATCH', await v3path(path), body, opts),
  del: async (path, opts) => request('DELETE', await v3path(path), undefined, opts),
};

/** A path segment, encoded (topic names, group ids, config names). */
export const seg = value => encodeURIComponent(value);

/**
 * A live Server-Sent Events stream of a v3 path (relative to the cluster). Calls onEvent(type, data, id) for
 * each event; the browser reconnects with Last-Event-ID on its own. Returns a function that closes it.
 */
export async function sse(path, { onEvent, onError, onOpen, types = ['record'] } = {}) {
  const source = new EventSource(await v3path(path));
  for (const type of types) {
    source.addEventListener(type, e => {
      let data = e.data;
      try { data = JSON.parse(e.data); } catch { /* not JSON: passed as text */ }
      onEvent && onEvent(type, data, e.lastEventId);
    });
  }
  if (onOpen) source.onopen = onOpen;
  source.onerror = e => onError && onError(e, source.readyState);
  return () => source.close();
}
