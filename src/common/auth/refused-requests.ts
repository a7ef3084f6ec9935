import { Subject } from 'rxjs';

/** An HTTP request refused for want of a valid token, before its body was read. */
export interface RefusedRequest {
  code: 'UNAUTHENTICATED';
  reason: string;
  remoteAddress?: string;
}

/**
 * Where the token check in front of /graphql reports what it refused, so the access audit
 * (which common/ may not import) records those requests too.
 */
export class RefusedRequests extends Subject<RefusedRequest> {}
