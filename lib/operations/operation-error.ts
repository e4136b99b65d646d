import type { TopError } from '#lib/top/errors.ts';
import type { OperationError } from './operation.ts';

/** TOP's failure in our record's terms; `sub_msg` is TOP's text about the sender's own request. */
export function toOperationError(error: TopError): OperationError {
  return {
    kind: error.kind,
    message: error.message,
    code: error.code,
    sub_code: error.subCode,
    sub_msg: error.subMsg,
    top_request_id: error.requestId,
  };
}
