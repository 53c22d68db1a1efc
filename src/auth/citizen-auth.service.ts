import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/db';
import { AppError } from '../shared/errors';
import { DeliveryError, type WeChatApi } from '../notify/ports';
import { upsertContactByIdentity } from '../contacts/contacts.repository';

const prefix = 'hhc_';
const sha256 = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/** Citizens sign in to the mini-program with WeChat (wx.login → code2session → openid → a session of ours). */
export class CitizenAuthService {
  constructor(
    private readonly db: Db,
    private readonly wechat: WeChatApi,
    private readonly ttlMs: number,
  ) {}

  async login(code: string): Promise<{ token: string; expiresAt: Date; contactId: number }> {
    let openid: string;
    try {
      ({ openid } = await this.wechat.code2session(code));
    } catch (error) {
      // A refused code is the caller's; WeChat being away is not: 503, try again.
      if (error instanceof DeliveryError && !error.permanent)
        throw new AppError('NOT_READY', `WeChat is not answering, please retry: ${error.message}`);
      throw new AppError('UNAUTHENTICATED', `WeChat did not accept the login code: ${(error as Error).message}`);
    }
    const contact = await upsertContactByIdentity(this.db, { wechatOpenid: openid });
    const token = prefix + randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.ttlMs);
    await this.db('citizen_sessions').insert({ token_hash: sha256(token), contact_id: contact.id, expires_at: expiresAt });
    return { token, expiresAt, contactId: contact.id };
  }

  /** The contact behind a live session token. */
  async authenticate(token: string): Promise<{ contactId: number; openid: string } | undefined> {
    if (!token.startsWith(prefix)) return undefined;
    const row = await this.db('citizen_sessions as s')
      .join('contacts as c', 'c.id', 's.contact_id')
      .select({ contactId: 's.contact_id', openid: 'c.wechat_openid' })
      .where('s.token_hash', sha256(token))
      .where('s.expires_at', '>', this.db.fn.now())
      .first();
    return row ?? undefined;
  }
}
