/**
 * What the sandbox document may do: run its own inline script and start
 * Blob workers, which inherit this policy. No source allows any request, so
 * neither the document nor user code in its workers can reach the network.
 * The client also demands this policy of the frame (the iframe `csp`
 * attribute), so a harness served without it is refused rather than run.
 */
export const SANDBOX_POLICY = "default-src 'none'; script-src 'unsafe-inline'; worker-src blob:";

/**
 * The header the server sends with the harness document (written to
 * dist/harness.csp): the policy, plus only our own pages may frame it.
 */
export const HARNESS_CSP = `${SANDBOX_POLICY}; frame-ancestors 'self'; base-uri 'none'; form-action 'none'`;
