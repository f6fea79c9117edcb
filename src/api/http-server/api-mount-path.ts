/**
 * Where the workflows API's routes are: under the host's global prefix, if any, then the base
 * path, whichever way they are written (`/api/workflows/` and `api/workflows` alike). `/` when
 * both are empty: the API is at the root.
 */
export function apiMountPath(globalPrefix: string, basePath: string): string {
  return `/${[globalPrefix, basePath].flatMap((path) => path.split('/').filter(Boolean)).join('/')}`;
}
