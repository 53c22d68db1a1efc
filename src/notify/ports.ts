import type { WeChatLogin } from '../auth/citizen-auth.service';
export { DeliveryError } from '../shared/errors';
/** Ports the core sends through; channels/ and adapters/ implement them. */
export interface SmsSender {
  /** Sends one SMS; resolves with the provider's message id. */
  send(message: { to: string; body: string }): Promise<{ providerId: string }>;
  /**
   * The provider's id of this very message if it already left (sent to `to` with this body since
   * `since`): asked before sending again a message whose earlier outcome is unknown.
   */
  findSent(message: { to: string; body: string; since: Date }): Promise<{ providerId: string } | undefined>;
}

/** Places an outbound call: the provider fetches what to say from `path` on the hub, and reports the call's end to `statusPath`. */
export interface CallPlacer {
  placeCall(call: { to: string; path: string; statusPath: string }): Promise<{ providerId: string }>;
}

/** WeChat's server API for the mini-program. */
export interface WeChatApi extends WeChatLogin {
  /**
   * A ticket's new status as a subscription message (订阅消息) from the status template; the
   * adapter maps it onto the template's fields and the mini-program page that shows the ticket.
   */
  sendStatusNotice(notice: {
    openid: string;
    templateId: string;
    ticketId: number | undefined;
    number: string;
    statusLabel: string;
    text: string;
  }): Promise<{ msgid: string | null }>;
}

/**
 * WeCom (企业微信) or DingTalk (钉钉) through the organisation's app: a notice card to some of its members,
 * with a link into the console. The adapters keep the app's access token and sign as each platform documents.
 */
export interface WorkChatApi {
  sendNotice(notice: { userIds: readonly string[]; title: string; text: string; url: string }): Promise<{ providerId: string | null }>;
}

export type CardAction = 'sign_for' | 'return' | 'reply' | 'view' | 'urge' | 'supervise' | 'approve_extension';

/** A ticket as the departments' chat shows it (a Slack card): what to render, with the actions it offers. */
export interface TicketCard {
  ticketId: number;
  number: string;
  status: string;
  statusLabel: string;
  requestTypeLabel: string;
  urgency: string;
  categoryName: string | null;
  summary: string;
  place: string | null;
  departmentName: string | null;
  replyDueAt: Date | null;
  /** Buttons offered: the department's sign for, return, reply; the supervisors' urge, supervise, approve extension; view. */
  actions: ReadonlyArray<CardAction>;
}

/** The departments' and supervisors' chat (Slack). Channel and user ids are the chat's own. */
export interface ChatApi {
  /** Shows the ticket's card in the channel: a new message, or the one it was shown as before (its id), updated in place. */
  showCard(channel: string, card: TicketCard, shownAs?: string): Promise<{ ts: string }>;
  postAlert(channel: string, text: string, card?: TicketCard): Promise<{ ts: string }>;
  postEphemeral(channel: string, user: string, text: string): Promise<void>;
}
