import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/db';
import { AppError, DeliveryError } from '../shared/errors';
import { upsertContactByIdentity } from '../contacts/contacts.repository';
import { findCitizenSession, insertCitizenSession } from './citizen-sessions.repository';

/** The part of WeChat that signs citizens in (adapters/wechat). */
export interface WeChatLogin {
  /** Exchanges a wx.login() code for the user's openid (code2session). */
  code2session(code: string): Promise<{ openid: string }>;
}

const prefix = 'hhc_';
const sha256 = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/** Citizens sign in to the mini-program with WeChat (wx.login → code2session → openid → a session of ours). */
export class CitizenAuthService {
  constructor(
    private readonly db: Db,
    private readonly wechat: WeChatLogin,
    private readonly ttlMs: number,
  ) {}

  async login(code: string): Promise<{ token: string; expiresAt: Date; contactId: number }> {
    let openid: string;
    try {
      ({ openid } = await this.wechat.code2session(code));
    } catch (error) {
      // A refused code is the caller's; WeChat being away is not: 503, try again.
      if (error instanceof DeliveryError && !error.permanent) throw new AppError('NOT_READY', `微信无响应，请重试：${error.message}`);
      throw new AppError('UNAUTHENTICATED', `微信未接受登录凭证：${(error as Error).message}`);
    }
    const contact = await upsertContactByIdentity(this.db, { wechatOpenid: openid });
    const token = prefix + randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.ttlMs);
    await insertCitizenSession(this.db, { tokenHash: sha256(token), contactId: contact.id, expiresAt });
    return { token, expiresAt, contactId: contact.id };
  }

  /** The contact behind a live session token. */
  async authenticate(token: string): Promise<{ contactId: number; openid: string } | undefined> {
    if (!token.startsWith(prefix)) return undefined;
    return findCitizenSession(this.db, sha256(token));
  }
}
