/** Where an audited act came from: the caller's address and the request's id (absent for the CLI). */
export interface RequestOrigin {
  ip?: string;
  requestId?: string;
}

/** The origin of an HTTP request, as every audit entry records it. */
export function originOf(request: { ip: string; id: string }): RequestOrigin {
  return { ip: request.ip, requestId: request.id };
}
