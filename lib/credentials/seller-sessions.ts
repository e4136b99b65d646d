/**
 * Sessions of sellers who authorized the app themselves (OAuth), beside the hand-kept ones of the
 * credentials secret: implemented by the sellers' token store, read by {@link TopCredentialsProvider}.
 */
export interface SellerSessions {
  /** The seller's current access token; `undefined` when the seller never authorized the app. */
  session(sellerId: string): Promise<string | undefined>;
  /** Reads the seller's tokens again (throttled); `true` when the access token changed. */
  refresh(sellerId: string): Promise<boolean>;
}
