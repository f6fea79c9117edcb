/** The default limit of params, payloads and step results, serialised. */
export const ONE_MIB = 1024 * 1024;
