import { isUnknownLogisticsOrder, logisticsOrderDetail, statusPath } from './logistics-orders.ts';

interface Shipment {
  readonly logistics_no: string;
  readonly service_name: string;
  readonly send_type: string;
  readonly at: string;
}

interface Fulfilment {
  closed: boolean;
  readonly shipments: Shipment[];
}

interface PackageRecord {
  readonly outer_package_id?: string;
  readonly status?: string;
  readonly mail_no?: string;
  readonly length?: number;
  readonly width?: number;
  readonly height?: number;
  readonly weight?: number;
}

interface DeliveryOrder {
  status: string | undefined;
  packages: readonly PackageRecord[] | undefined;
  readonly updates: number;
  readonly at: string;
}

/** What a call did: a success body (failure flags included) and the fields written as bare big numbers. */
export interface Outcome {
  readonly body: Record<string, unknown>;
  readonly bigIntegers?: readonly string[];
  /** List fields and the XML item name TOP wraps them in when simplify is off. */
  readonly lists?: Readonly<Record<string, string>>;
}

/** The platform's memory: fulfilled orders, delivery orders' last status, logistics orders' progress. */
export class SimState {
  readonly fulfilments = new Map<string, Fulfilment>();
  readonly deliveryOrders = new Map<string, DeliveryOrder>();
  /** When each logistics order was first seen, and steps an operator advanced it by hand. */
  readonly logisticsOrders = new Map<string, { firstSeenAt: number; manualSteps: number }>();

  constructor(readonly statusStepMs: number) {}

  /** `send_type=all` closes an order; any later fulfilment of it fails as on the platform. */
  fulfil(request: Record<string, unknown>, now: number): Outcome {
    const outRef = String(request.out_ref);
    const order = this.fulfilments.get(outRef) ?? { closed: false, shipments: [] };
    if (order.closed) {
      return {
        body: {
          result: {
            result_success: false,
            result_error_code: 'ORDER_ALREADY_SHIPPED',
            result_error_desc: `order ${outRef} has already been shipped in full`,
          },
        },
      };
    }
    order.shipments.push({
      logistics_no: String(request.logistics_no),
      service_name: String(request.service_name),
      send_type: String(request.send_type),
      at: new Date(now).toISOString(),
    });
    if (request.send_type === 'all') order.closed = true;
    this.fulfilments.set(outRef, order);
    return { body: { result: { result_success: true } } };
  }

  /**
   * Keeps the last status per ticket / platform order. On a consolidation order the set of packages
   * and their volume and weight cannot change once reported; only status and mail_no may.
   */
  sendDeliveryOrder(request: Record<string, unknown>, now: number): Outcome {
    const keys = [request.ticket_id, request.platform_order_id].filter(
      (k): k is string => typeof k === 'string',
    );
    const packages = request.package_list as readonly PackageRecord[] | undefined;
    const previous =
      typeof request.platform_order_id === 'string'
        ? this.deliveryOrders.get(request.platform_order_id)
        : undefined;
    if (previous?.packages && packages && !samePackages(previous.packages, packages)) {
      return {
        body: {
          result: {
            success: false,
            fail_code: 'PACKAGE_CANNOT_CHANGE',
            fail_message: 'the packages of a consolidation order and their volume and weight cannot change',
          },
        },
      };
    }
    // Once reported, a package keeps its volume and weight; a re-send updates only status and mail_no.
    const kept = previous?.packages && packages ? mergePackages(previous.packages, packages) : packages;
    for (const key of keys) {
      const known = this.deliveryOrders.get(key);
      this.deliveryOrders.set(key, {
        status: (request.status as string | undefined) ?? known?.status,
        packages: kept ?? known?.packages,
        updates: (known?.updates ?? 0) + 1,
        at: new Date(now).toISOString(),
      });
    }
    return { body: { result: { success: true } } };
  }

  /** Any id exists (but NOTFOUND…); its status advances one step every `statusStepMs`. */
  queryLogisticsOrder(request: Record<string, unknown>, now: number): Outcome {
    const id = String(request.logistics_order_id);
    if (isUnknownLogisticsOrder(id)) {
      return {
        body: {
          is_success: false,
          error_result_code: 'ORDER_NOT_FOUND',
          error_result_message: `no logistics order ${id}`,
        },
      };
    }
    return {
      body: { data: logisticsOrderDetail(id, this.logisticsStatus(id, now)), is_success: true },
      bigIntegers: ['trade_order_id'],
      lists: { products: 'product_d_t_o' },
    };
  }

  logisticsStatus(id: string, now: number): string {
    let seen = this.logisticsOrders.get(id);
    if (!seen) {
      seen = { firstSeenAt: now, manualSteps: 0 };
      this.logisticsOrders.set(id, seen);
    }
    const path = statusPath(id);
    const step = Math.floor((now - seen.firstSeenAt) / this.statusStepMs) + seen.manualSteps;
    return path[Math.min(step, path.length - 1)] as string;
  }

  /** Moves a logistics order one status on, whatever the clock says. */
  advanceLogisticsOrder(id: string, now: number): string {
    this.logisticsStatus(id, now);
    const seen = this.logisticsOrders.get(id);
    if (seen) seen.manualSteps += 1;
    return this.logisticsStatus(id, now);
  }

  snapshot(): Record<string, unknown> {
    return {
      fulfilments: Object.fromEntries(this.fulfilments),
      delivery_orders: Object.fromEntries(this.deliveryOrders),
    };
  }
}

const DIMENSIONS = ['length', 'width', 'height', 'weight'] as const;

/** Same set of outer_package_ids, none repeated, and no reported volume or weight changed (omitting is fine). */
function samePackages(before: readonly PackageRecord[], after: readonly PackageRecord[]): boolean {
  const byId = new Map(before.map((p) => [p.outer_package_id, p]));
  const afterIds = new Set(after.map((p) => p.outer_package_id));
  if (after.length !== afterIds.size || afterIds.size !== byId.size) return false;
  return after.every((p) => {
    const old = byId.get(p.outer_package_id);
    return (
      old !== undefined && DIMENSIONS.every((field) => p[field] === undefined || p[field] === old[field])
    );
  });
}

/** The stored packages with the re-send's status and mail_no laid over them. */
function mergePackages(before: readonly PackageRecord[], after: readonly PackageRecord[]): PackageRecord[] {
  const byId = new Map(after.map((p) => [p.outer_package_id, p]));
  return before.map((p) => {
    const update = byId.get(p.outer_package_id);
    return {
      ...p,
      ...(update?.status && { status: update.status }),
      ...(update?.mail_no && { mail_no: update.mail_no }),
    };
  });
}
