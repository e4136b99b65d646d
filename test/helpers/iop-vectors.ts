/**
 * The IOP signing vectors of the protocol notes (secret `helloworld`, app 12345678, timestamp
 * 1764460800000, partner `top-webhooks`) for the two auth path APIs: path, param, value, signature.
 */
export const IOP_AUTH_VECTORS = [
  [
    '/auth/token/create',
    'code',
    '3_500102_JxZ05Ux3cnnSSUm6dCxYg6Q26',
    '6508B5710821F55B03F53758AE2C3B7B11DF1FC8A35937C819AED5A811DA1AA6',
  ],
  [
    '/auth/token/refresh',
    'refresh_token',
    '50001600212wcwiOabmxqhhF0gGvQFP3yKk5JZ1k4C',
    'D56EA9B1903B34805CC4BFCCAC0B233AB9FD4A5B5862C7A234B81723063DD63C',
  ],
] as const;
