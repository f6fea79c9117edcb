import { type CursorCodec, type PageOrder } from '../cursors';
import { EngineError } from '../errors';

export const DEFAULT_PAGE_SIZE = 25;

/** One stream's page as a caller asks for it. */
export interface PageRequest {
  cursor?: string;
  pageSize?: number;
  order?: PageOrder;
}

/** The page to read: `after` is the cursor's position, absent for the first page. */
export interface PagePlan<T> {
  pageSize: number;
  order: PageOrder;
  after?: T;
}

/**
 * The page a request means. A cursor continues with its own order (an explicit `order` does not
 * turn it around) and its own page size unless `pageSize` is given, as the original fragment's
 * cursors do. A cursor's size above today's limit (the limit was lowered since) is cut to it.
 */
export function planPage<T>(
  codec: CursorCodec,
  scope: string,
  request: PageRequest,
  rules: { defaultOrder: PageOrder; maxPageSize: number; isPosition: (position: unknown) => position is T },
): PagePlan<T> {
  const continued = request.cursor ? codec.decode(scope, request.cursor, rules.isPosition) : undefined;
  const pageSize =
    request.pageSize !== undefined ? checkPageSize(request.pageSize, rules.maxPageSize) : Math.min(continued?.pageSize ?? DEFAULT_PAGE_SIZE, rules.maxPageSize);
  return { pageSize, order: continued?.order ?? request.order ?? rules.defaultOrder, after: continued?.position };
}

/** The page of rows read with one row more than the page size, and the cursor to the next page. */
export function pageOf<R, T>(codec: CursorCodec, scope: string, plan: PagePlan<T>, rows: R[], position: (row: R) => T) {
  const page = rows.slice(0, plan.pageSize);
  const hasNextPage = rows.length > plan.pageSize;
  const cursor = hasNextPage ? codec.encode(scope, { position: position(page[page.length - 1]), pageSize: plan.pageSize, order: plan.order }) : undefined;
  return { rows: page, cursor, hasNextPage };
}

function checkPageSize(pageSize: number, max: number): number {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > max) {
    throw new EngineError('VALIDATION_ERROR', `pageSize must be a whole number from 1 to ${max}`, {
      issues: [`pageSize must be a whole number from 1 to ${max}`],
    });
  }
  return pageSize;
}
