import { createHash } from 'node:crypto';

/**
 * How a simulated logistics order moves: by default NEW → CREATED → SHIPPED → IN TRANSIT → DELIVERED;
 * an id containing FAIL passes through 5 DELIVERY FAILURE first, one containing CANCEL ends at 7.
 */
export function statusPath(id: string): readonly string[] {
  const upper = id.toUpperCase();
  if (upper.includes('CANCEL')) return ['1', '2', '7'];
  if (upper.includes('FAIL')) return ['1', '2', '3', '4', '5', '6'];
  return ['1', '2', '3', '4', '6'];
}

/** Ids starting with NOTFOUND do not exist: the query answers is_success=false. */
export const isUnknownLogisticsOrder = (id: string): boolean => id.toUpperCase().startsWith('NOTFOUND');

const FIRST_NAMES = ['Ana', 'Bruno', 'Carla', 'Diego', 'Elisa', 'Fabio', 'Gabriela', 'Heitor'];
const LAST_NAMES = ['Silva', 'Santos', 'Oliveira', 'Souza', 'Lima', 'Pereira', 'Costa', 'Almeida'];
const CITIES = [
  ['São Paulo', 'SP'],
  ['Rio de Janeiro', 'RJ'],
  ['Belo Horizonte', 'MG'],
  ['Curitiba', 'PR'],
] as const;
const STREETS = ['Rua Dr Amancio de Carvalho', 'Avenida Paulista', 'Rua Augusta', 'Rua da Consolação'];

/** Deterministic digits from an id and a salt. */
function digits(id: string, salt: string, length: number): string {
  let out = '';
  for (let round = 0; out.length < length; round++) {
    const hash = createHash('sha256').update(`${salt}:${round}:${id}`).digest();
    for (const byte of hash) out += String(byte % 10);
  }
  return out.slice(0, length);
}

const pick = <T>(list: readonly T[], id: string, salt: string): T =>
  list[Number(digits(id, salt, 4)) % list.length] as T;

function address(id: string, role: string): Record<string, string> {
  const first = pick(FIRST_NAMES, id, `${role}-first`);
  const last = pick(LAST_NAMES, id, `${role}-last`);
  const [city, state] = pick(CITIES, id, `${role}-city`);
  return {
    first_name: first,
    last_name: last,
    city,
    federal_tax_id: digits(id, `${role}-tax`, 11),
    country: 'Brasil',
    zip_code: `${digits(id, `${role}-zip`, 5)}-${digits(id, `${role}-zip2`, 3)}`,
    state,
    address: pick(STREETS, id, `${role}-street`),
    address_number: String(Number(digits(id, `${role}-number`, 3)) + 1),
    email: `${first}.${last}.${digits(id, `${role}-mail`, 4)}@example.com`.toLowerCase(),
    cell_phone: `11${digits(id, `${role}-phone`, 9)}`,
    additional: `Floor ${(Number(digits(id, `${role}-floor`, 2)) % 20) + 1}`,
  };
}

/** The OrderDTO of a logistics order: the same id always yields the same detail, but for `status`. */
export function logisticsOrderDetail(id: string, status: string): Record<string, unknown> {
  const productCount = (Number(digits(id, 'products', 1)) % 3) + 1;
  return {
    parcel: {
      quantity: 1,
      parcel_type_code: pick(['BOX', 'BAG', 'ENVELOPE'], id, 'parcel-type'),
      width: String((Number(digits(id, 'w', 2)) % 40) + 10),
      length: String((Number(digits(id, 'l', 2)) % 40) + 10),
      weight: (Number(digits(id, 'kg', 3)) / 100 + 0.1).toFixed(2),
      height: String((Number(digits(id, 'h', 2)) % 40) + 5),
    },
    logistics_order_id: id,
    logistics_channel_order_id: `LC${digits(id, 'channel-order', 12)}`,
    // 16 digits, like the platform's; starting with 9 puts most past 2^53, where a JSON number loses digits.
    trade_order_id: `9${digits(id, 'trade', 15)}`,
    tracking_code: `BR${digits(id, 'tracking', 9)}`,
    shipping_method_id: String((Number(digits(id, 'method', 1)) % 4) + 1),
    logistics_channel_id: '2',
    receipt_address: address(id, 'receipt'),
    status,
    sender_address: address(id, 'sender'),
    tracking_url: `https://tracking.example.com/${digits(id, 'url', 20)}`,
    logistics_channel_name: 'PEGAKI',
    invoice: {
      invoice_series: digits(id, 'series', 3),
      invoice_number: digits(id, 'invoice', 9),
      invoice_date: '2026-11-12T12:00:00.000-03:00',
      invoice_total_value: (Number(digits(id, 'value', 4)) / 10).toFixed(1),
      invoice_key: digits(id, 'key', 44),
    },
    products: Array.from({ length: productCount }, (_, i) => ({
      weight: String((Number(digits(id, `p${i}-kg`, 1)) % 5) + 1),
      length: '10',
      width: '10',
      height: '10',
      price: (Number(digits(id, `p${i}-price`, 4)) / 100).toFixed(2),
      quantity: (Number(digits(id, `p${i}-qty`, 1)) % 3) + 1,
      sku_id: digits(id, `p${i}-sku`, 12),
    })),
  };
}
