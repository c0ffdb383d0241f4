// How long and how large a request may be before Node refuses it (slow or stalled clients).

/** The request's headers must arrive within this time. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** The whole request, body included, must arrive within this time. */
export const REQUEST_TIMEOUT_MS = 30_000;
/**
 * How often Node looks for requests past those limits. Its default (30 s) made the 30 s limit 30–60 s in
 * practice; once a second keeps it within a second, for the price of a walk over open connections.
 */
export const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;
/** Node's own limit on the size of the request line and headers (431 past it). */
export const MAX_HEADER_BYTES = 16 * 1024;
