/** The request example of the `aliexpress.solution.order.fulfill` API page. */
export const fulfilPageExample = {
  service_name: 'EMS',
  tracking_website: 'www.17track.com',
  out_ref: '888877779999',
  send_type: 'part',
  description: 'memo',
  logistics_no: 'LA88887777CN',
} as const;
