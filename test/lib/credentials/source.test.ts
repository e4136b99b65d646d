import { describe, expect, it } from 'vitest';
import { SecretUnavailableError } from '#lib/credentials/errors.ts';
import { staticSecretSource } from '#lib/credentials/source.ts';

describe('staticSecretSource', () => {
  it('serves the values it was given, forced or not', async () => {
    const source = staticSecretSource({ wms: 'whsec_AAE=' });

    expect(await source.get('wms')).toBe('whsec_AAE=');
    expect(await source.get('wms', { forceFetch: true })).toBe('whsec_AAE=');
  });

  it('answers SecretUnavailableError for an id it does not hold', async () => {
    const error = await staticSecretSource({})
      .get('storefront')
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect(error).toMatchObject({ secretId: 'storefront' });
  });

  it('does not mistake inherited properties for secrets', async () => {
    await expect(staticSecretSource({}).get('toString')).rejects.toBeInstanceOf(SecretUnavailableError);
  });
});
