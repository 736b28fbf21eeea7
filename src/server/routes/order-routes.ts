/**
 * Orders over HTTP: the list with filters, one order, a customer's orders with their purchase facts.
 * Agents may read them (support sees what a customer bought next to the conversation).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { KithServices } from '../../services.js';
import { ORDER_TOTAL_BOUND } from '../../orders/order-service.js';
import { errorResponses, IdParams, wholeNumberParam } from '../schemas.js';

const amount = z.string().nullable().describe('Decimal string, exact (e.g. "128.50"), in `currency`');

const OrderItemSchema = z.object({
  title: z.string().nullable(),
  sku: z.string().nullable().describe('Merchant code (商家编码)'),
  external_number: z.string().nullable().describe('External system number (外部系统编号)'),
  properties: z.string().nullable().describe('Size, colour … as the shop wrote them (商品属性)'),
  package: z.string().nullable(),
  quantity: z.number().nullable(),
  unit_price: amount,
  status: z.string().nullable(),
  note: z.string().nullable(),
  extra: z.record(z.string(), z.string()),
});

export const OrderSchema = z
  .object({
    id: z.string().describe('Order id, prefixed ord_'),
    source: z.string().describe('tmall, csv, api …; with order_number it identifies the order'),
    order_number: z.string(),
    contact_id: z.string().describe('The customer (buyer) it belongs to'),
    import_id: z.string().nullable(),
    status: z.enum(['pending_payment', 'paid', 'shipped', 'partially_shipped', 'completed', 'closed']),
    source_status: z.string().nullable().describe("The source's own status, as written (订单状态)"),
    currency: z.string(),
    goods_amount: amount,
    postage_amount: amount,
    total_amount: amount,
    paid_amount: amount,
    ordered_at: z.string().nullable(),
    paid_at: z.string().nullable(),
    shipped_at: z.string().nullable(),
    completed_at: z.string().nullable(),
    closed_at: z.string().nullable(),
    buyer_nick: z.string().nullable(),
    receiver_name: z.string().nullable(),
    receiver_phone: z.string().nullable(),
    receiver_address: z.string().nullable(),
    shop_id: z.string().nullable(),
    shop_name: z.string().nullable(),
    buyer_message: z.string().nullable(),
    seller_note: z.string().nullable(),
    extra: z.record(z.string(), z.string()).describe("The source's other columns, as written"),
    item_count: z.number(),
    items: z.array(OrderItemSchema),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Order' });

export const PurchaseFactsSchema = z
  .object({
    orders_count: z.number(),
    total_spent: z.string().describe('Decimal string: what the customer paid for their purchases'),
    first_order_at: z.string().nullable(),
    last_order_at: z.string().nullable(),
  })
  .meta({ id: 'PurchaseFacts' });

const OrderPageSchema = z.object({ data: z.array(OrderSchema), next_cursor: z.string().nullable() });
const OrderListSchema = OrderPageSchema.extend({
  total: z.number().nullable().describe('Orders matching the filter (all pages); null when total=false.'),
  total_is_lower_bound: z
    .boolean()
    .describe(`True when more than \`total\` match (the bound: ${ORDER_TOTAL_BOUND.toLocaleString('en')}).`),
});

const statusList = z
  .union([z.array(z.string()), z.string()])
  .optional()
  .transform((v) =>
    v === undefined ? undefined : (Array.isArray(v) ? v : v.split(',')).filter((s) => s !== ''),
  );

const OrderQuery = z.object({
  contact_id: z.string().optional().describe("A customer's orders"),
  status: statusList.describe('One or more statuses, comma-separated or repeated'),
  source: z.string().optional(),
  since: z.string().optional().describe('Ordered at or after (ISO date or date-time; a date is China time)'),
  before: z.string().optional().describe('Ordered before'),
  min_amount: z.string().optional().describe('Paid (else total) at least, decimal'),
  max_amount: z.string().optional().describe('Paid (else total) at most, decimal'),
  q: z.string().optional().describe('An order number, buyer nickname or receiver name, exactly'),
  cursor: z.string().optional(),
  limit: wholeNumberParam(1, 500).optional(),
  total: z
    .enum(['true', 'false'])
    .optional()
    .describe(
      `Count the matches (default true): exact up to ${ORDER_TOTAL_BOUND.toLocaleString('en')}, else \`total_is_lower_bound\`.`,
    ),
});

export function orderRoutes(services: KithServices): FastifyPluginAsyncZod {
  const { orders } = services;
  return async (app) => {
    app.get('/orders', {
      config: { access: 'agent' },
      schema: {
        tags: ['orders'],
        summary: 'Orders, newest first, with filters (customer, status, source, time range, amount range)',
        querystring: OrderQuery,
        response: { 200: OrderListSchema, ...errorResponses },
      },
      handler: async (request) => orders.list({ ...request.query, total: request.query.total !== 'false' }),
    });
    app.get('/orders/:id', {
      config: { access: 'agent' },
      schema: {
        tags: ['orders'],
        summary: 'One order with its items',
        params: IdParams,
        response: { 200: OrderSchema, ...errorResponses },
      },
      handler: async (request) => orders.get(request.params.id),
    });
    app.get('/contacts/:id/orders', {
      config: { access: 'agent' },
      schema: {
        tags: ['orders'],
        summary: "A customer's orders, newest first, and their purchase facts",
        params: IdParams,
        querystring: z.object({
          cursor: z.string().optional(),
          limit: wholeNumberParam(1, 500).optional(),
        }),
        response: {
          200: OrderPageSchema.extend({ purchase_facts: PurchaseFactsSchema }),
          ...errorResponses,
        },
      },
      handler: async (request) => {
        const page = await orders.ofContact(request.params.id, request.query);
        const facts = await orders.purchaseFacts([request.params.id]);
        return { ...page, purchase_facts: facts.get(request.params.id)! };
      },
    });
  };
}
