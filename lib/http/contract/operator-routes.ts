import { requestExamples } from './examples.ts';
import { LogisticsOrderListQuery, LogisticsOrderPage } from './logistics-order-list.ts';
import { LogisticsOrderView } from './logistics-order-view.ts';
import { OperationListQuery, OperationPage } from './operation-list.ts';
import { ReplayBatchRequest, ReplayBatchResult } from './operation-replay.ts';
import { OperationView } from './operation-view.ts';
import {
  operationPageExamples,
  operationViewExamples,
  replayBatchExamples,
  sellerExamples,
  sellerListExamples,
  statusExamples,
} from './operator-examples.ts';
import { logisticsOrderExamples, logisticsOrderPageExamples } from './order-examples.ts';
import {
  InvalidCursorProblem,
  InvalidPayloadProblem,
  InvalidQueryProblem,
  InvalidSellerIdProblem,
  LogisticsOrderNotTrackedProblem,
  MalformedJsonProblem,
  NotFoundProblem,
  OperationNotFoundProblem,
  SellerNotFoundProblem,
  UnsupportedMediaTypeProblem,
} from './problem.ts';
import {
  json,
  LogisticsOrderPath,
  OperationPath,
  operatorAnswers,
  problems,
  type RouteSpec,
  replayAnswers,
  SellerPath,
} from './route-spec.ts';
import { SellerList, SellerView } from './seller-view.ts';
import { SystemStatus } from './status.ts';

/** The operator API's routes (IAM in AWS, loopback locally). */
export const OPERATOR_ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/operations',
    operationId: 'listOperations',
    tag: 'operator',
    summary: 'List the operations of one status',
    description:
      'A page of the operations of `status` that match every other filter given, newest first; `next_cursor` leads to the next page (pass it with the same filters).',
    auth: 'operator',
    query: OperationListQuery,
    answers: operatorAnswers({
      200: { description: 'A page of operations', content: [json(OperationPage, operationPageExamples)] },
      400: problems('A query parameter is unknown or out of range (each named), or the cursor is refused', [
        InvalidQueryProblem,
        InvalidCursorProblem,
      ]),
    }),
  },
  {
    method: 'POST',
    path: '/operations/replay',
    operationId: 'replayOperations',
    tag: 'operator',
    summary: 'Replay the DEAD or FAILED operations that match',
    description:
      'Each operation that matches gets a fresh retry budget and is attempted at once, oldest first, as `POST /operations/{id}/replay` does for one. At most `limit` (100) per call. Safe to repeat; an operation another replay took first is counted `skipped`, and those the invocation had no time left for are counted `remaining`: call again for them.',
    auth: 'operator',
    body: {
      schema: ReplayBatchRequest,
      description: 'Which operations',
      examples: { dead: requestExamples.replayDead },
    },
    answers: operatorAnswers({
      200: { description: 'What was replayed', content: [json(ReplayBatchResult, replayBatchExamples)] },
      400: problems('Malformed JSON, or a broken rule (each named)', [
        MalformedJsonProblem,
        InvalidPayloadProblem,
      ]),
      415: problems('Not JSON', [UnsupportedMediaTypeProblem]),
    }),
  },
  {
    method: 'GET',
    path: '/operations/{id}',
    operationId: 'getOperation',
    tag: 'operator',
    summary: 'An operation: its status, attempts, last error and outbox request',
    description: 'An id that is not an operation id’s shape is a 404 too.',
    auth: 'operator',
    pathParameters: OperationPath,
    answers: operatorAnswers({
      200: { description: 'The operation', content: [json(OperationView, operationViewExamples)] },
      404: problems('No operation has this id', [OperationNotFoundProblem, NotFoundProblem]),
    }),
  },
  {
    method: 'POST',
    path: '/operations/{id}/replay',
    operationId: 'replayOperation',
    tag: 'operator',
    summary: 'Replay a DEAD or FAILED operation: a fresh retry budget and an attempt now',
    description: 'Answers as the webhook would have for the attempt made now.',
    auth: 'operator',
    pathParameters: OperationPath,
    answers: operatorAnswers(replayAnswers),
  },
  {
    method: 'GET',
    path: '/logistics-orders',
    operationId: 'listLogisticsOrders',
    tag: 'operator',
    summary: 'List tracked logistics orders',
    description:
      'A page of tracked orders that match every filter given, newest first, without their snapshots and histories; `next_cursor` leads to the next page (pass it with the same filters). `parked=true` with `stopped=true` is refused (400 `invalid-query`).',
    auth: 'operator',
    query: LogisticsOrderListQuery,
    answers: operatorAnswers({
      200: {
        description: 'A page of tracked orders',
        content: [json(LogisticsOrderPage, logisticsOrderPageExamples)],
      },
      400: problems(
        'A query parameter is unknown or out of range, or `parked` and `stopped` both true (each named); or the cursor is refused',
        [InvalidQueryProblem, InvalidCursorProblem],
      ),
    }),
  },
  {
    method: 'GET',
    path: '/logistics-orders/{id}',
    operationId: 'getLogisticsOrder',
    tag: 'operator',
    summary: 'A tracked logistics order: its snapshot, status history, last refresh and error',
    description:
      'The snapshot holds personal data (names, addresses, tax ids): it is never logged. `parked` or `stopped` say why refreshes wait, or ended.',
    auth: 'operator',
    pathParameters: LogisticsOrderPath,
    answers: operatorAnswers({
      200: { description: 'The tracked order', content: [json(LogisticsOrderView, logisticsOrderExamples)] },
      404: problems('Not tracked', [LogisticsOrderNotTrackedProblem]),
    }),
  },
  {
    method: 'DELETE',
    path: '/logistics-orders/{id}',
    operationId: 'untrackLogisticsOrder',
    tag: 'operator',
    summary: 'Stop tracking a logistics order',
    description:
      'The order and its snapshot are deleted; no more refreshes. For an order whose refreshes stopped (the platform does not know it), among others.',
    auth: 'operator',
    pathParameters: LogisticsOrderPath,
    answers: operatorAnswers({
      204: { description: 'No longer tracked; no body' },
      404: problems('Not tracked', [LogisticsOrderNotTrackedProblem]),
    }),
  },
  {
    method: 'GET',
    path: '/sellers',
    operationId: 'listSellers',
    tag: 'operator',
    summary: 'The sellers who authorized the app',
    description: 'Never a token. `authorize_url` hands out a fresh link for a seller to send.',
    auth: 'operator',
    answers: operatorAnswers({
      200: { description: 'Every seller', content: [json(SellerList, sellerListExamples)] },
    }),
  },
  {
    method: 'GET',
    path: '/sellers/{seller_id}',
    operationId: 'getSeller',
    tag: 'operator',
    summary: 'A seller’s authorization',
    description: 'Never a token.',
    auth: 'operator',
    pathParameters: SellerPath,
    answers: operatorAnswers({
      200: { description: 'The seller', content: [json(SellerView, sellerExamples)] },
      400: problems('Not a seller id', [InvalidSellerIdProblem]),
      404: problems('The seller never authorized the app', [SellerNotFoundProblem]),
    }),
  },
  {
    method: 'GET',
    path: '/sellers/{seller_id}/authorize',
    operationId: 'authorizeSeller',
    tag: 'operator',
    summary: 'A link to the platform’s consent page, for the seller to open',
    description:
      'Redirects to `{AE_GATEWAY_URL}/oauth/authorize?response_type=code&force_auth=true&client_id=…&redirect_uri={PUBLIC_URL}/oauth/callback&state=…`. The state is 256 random bits bound to the seller, single use, valid for 10 minutes: hand the `Location` to the seller.',
    auth: 'operator',
    pathParameters: SellerPath,
    answers: operatorAnswers({
      302: { description: "The platform's consent page", headers: ['Location', 'Cache-Control'] },
      400: problems('Not a seller id', [InvalidSellerIdProblem]),
    }),
  },
  {
    method: 'GET',
    path: '/status',
    operationId: 'getStatus',
    tag: 'operator',
    summary:
      'The system at a glance: the shared ban, operations by status, parked sellers and orders, stopped orders',
    description:
      'Counts only; no ids, no personal data. A count that reads too many entries stops and is a lower bound: `capped` names it.',
    auth: 'operator',
    answers: operatorAnswers({
      200: { description: 'The status', content: [json(SystemStatus, statusExamples)] },
    }),
  },
];
