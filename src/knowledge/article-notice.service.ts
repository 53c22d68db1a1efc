import { findContacts } from '../contacts/contacts.repository';
import type { UnitOfWork } from '../db/unit-of-work';
import { citizenChannelOf } from '../outbox/message-catalogue';
import type { Outbox } from '../outbox/outbox';
import { conflict, found } from '../shared/errors';
import type { UserActor } from '../shared/roles';
import { shanghaiDay } from '../shared/time';
import type { TicketsService } from '../tickets/tickets.service';
import { findTicket } from '../tickets/tickets.repository';
import * as repo from './articles.repository';

/** How much of an article one notice carries (about five SMS segments); the rest is a call or the mini-program away. */
const noticeChars = 300;

/**
 * 一次性告知: an article's answer or checklist sent to the ticket's citizen in one action (by SMS, or in the
 * mini-program when they wrote there), so that they come with everything the first time. Only a published
 * article in force is sent; it goes on the ticket's timeline as the seat's message.
 */
export class ArticleNotice {
  constructor(
    private readonly work: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly tickets: Pick<TicketsService, 'assertVisible' | 'recordOnTimeline'>,
  ) {}

  async send(actor: UserActor, articleId: number, ticketId: number): Promise<{ outboxId: number; text: string }> {
    await this.tickets.assertVisible(actor, ticketId);
    return this.work.run(async (work) => {
      const article = found(await repo.findArticle(work.trx, articleId), '知识');
      if (article.status !== 'published' || (article.expiresOn !== null && article.expiresOn < shanghaiDay()))
        throw conflict('只有已发布且在有效期内的知识才能发送给市民');
      const ticket = found(await findTicket(work.trx, ticketId), '工单');
      const [contact] = ticket.contactId === null ? [] : await findContacts(work.trx, [ticket.contactId]);
      const channel = citizenChannelOf(ticket.channel);
      if (!contact || (channel === 'sms' ? !contact.phone || contact.smsOptedOut : !contact.wechatOpenid))
        throw conflict(channel === 'sms' ? '该市民没有可发短信的号码，或已退订' : '无法通过小程序联系该市民');
      const text = noticeText(article.title, article.body);
      const [written] = await this.outbox.write(work, [
        {
          kind: 'citizen.chat_reply',
          channel,
          recipient: { contactId: contact.id },
          payload: { text, ticketId },
          ticketId,
        },
      ]);
      await this.tickets.recordOnTimeline(work, ticketId, {
        type: 'seat_reply',
        actor,
        data: { text, outboxId: written!.id, articleId: article.id, articleVersion: article.version },
      });
      return { outboxId: written!.id, text };
    });
  }
}

/** 一次性告知｜title：body, the body's lines joined, cut at a sentence near the limit when long. */
export function noticeText(title: string, body: string): string {
  return `一次性告知｜${articleText(title, body)}`;
}

/** title：body, the body's lines joined, cut at a sentence near the limit when long (an SMS of about five segments). */
export function articleText(title: string, body: string): string {
  const flat = body
    .split(/\n+/)
    .map((line) => line.trim())
    .filter(Boolean)
    .join('；')
    .replace(/([。；！？])；/g, '$1');
  const head = `${title}：`;
  if ([...flat].length <= noticeChars) return head + flat;
  const cut = [...flat].slice(0, noticeChars).join('');
  const sentence = Math.max(cut.lastIndexOf('。'), cut.lastIndexOf('；'));
  return `${head}${sentence > noticeChars / 2 ? cut.slice(0, sentence + 1) : cut}……详情请致电12345或在12345小程序查看。`;
}
