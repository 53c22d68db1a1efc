import type { Actor } from '../auth/roles';
import type { Db, Queryable } from '../db/db';
import type { JobOutcome } from '../jobs/queue';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { TicketClassification } from '../tickets/ticket.schemas';
import { summarizeTitle } from '../tickets/ticket-view';
import type { TicketsService } from '../tickets/tickets.service';
import { findTicket } from '../tickets/tickets.repository';
import type { RequestType, Urgency } from '../tickets/ticket.types';
import * as models from './classifier-models.repository';
import { defaultTrainingSet } from './default-training-set';
import { LocalTextClassifier } from './local-model/text-classifier';
import { trainAndStore } from './model-training';
import { matchRegion, ruleRequestType, ruleUrgency } from './rules';

const urgencyRank: Record<Urgency, number> = { normal: 0, urgent: 1, emergency: 2 };
const referenceCacheMs = 60_000;

/**
 * Triage: turns a new request into a classified, routable ticket. The local model decides the
 * category; rules decide request type and urgency; the region table places it. The classifier
 * fills in on its own only what nobody set and what it is confident of; the rest is a
 * suggestion for the operator, stored on the ticket and its timeline.
 */
export class TriageService {
  private active?: { version: number; classifier: LocalTextClassifier };
  private references?: { until: number; categories: Map<string, { id: number; name: string }>; regions: Array<{ id: number; name: string; level: string }> };

  constructor(
    private readonly db: Db,
    private readonly tickets: TicketsService,
    private readonly logger: Logger,
    private readonly options: { autoApplyConfidence: number },
  ) {}

  /** Loads the active model, training and storing the built-in one on a fresh database. */
  async ensureModel(): Promise<number> {
    const stored = await models.findActiveModel(this.db);
    if (stored) {
      if (this.active?.version !== stored.version) this.active = { version: stored.version, classifier: LocalTextClassifier.deserialize(stored.model) };
      return stored.version;
    }
    // A fresh database: the first process to get here trains the built-in model; the others wait and load it.
    return this.db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['classifier:default-model']);
      const raced = await models.findActiveModel(trx);
      if (raced) {
        this.active = { version: raced.version, classifier: LocalTextClassifier.deserialize(raced.model) };
        return raced.version;
      }
      return this.train(defaultTrainingSet.map(([code, text]) => ({ text, label: code })), 'built-in training set (src/triage/default-training-set.ts)', trx);
    });
  }

  /** Hot swap: a model trained elsewhere (npm run train, another process) is picked up here. */
  async reloadIfChanged(): Promise<void> {
    const version = await models.findActiveVersion(this.db);
    if (version !== undefined && version !== this.active?.version) {
      await this.ensureModel();
      this.logger.info({ version }, 'classifier model loaded');
    }
  }

  /** Trains on labelled examples, stores the model as the next version and uses it at once. */
  async train(examples: ReadonlyArray<{ text: string; label: string }>, source: string, db: Queryable = this.db): Promise<number> {
    const { version, classifier } = await trainAndStore(db, examples, source);
    this.active = { version, classifier };
    this.logger.info({ version, examples: examples.length, source }, 'classifier model trained');
    return version;
  }

  async classify(text: string): Promise<TicketClassification> {
    if (!this.active) await this.ensureModel();
    const { version, classifier } = this.active!;
    const refs = await this.referenceData();
    const result = classifier.classify(text);
    const category = refs.categories.get(result.label);
    const requestType = ruleRequestType(text);
    const region = matchRegion(text, refs.regions);
    const cleaned = text.replace(/\s+/g, ' ').trim();
    return {
      by: 'local',
      modelVersion: version,
      category: category ? { id: category.id, code: result.label, name: category.name, confidence: round(result.confidence) } : null,
      alternatives: result.ranking.slice(1, 4).map((r) => ({ code: r.label, confidence: round(r.probability) })),
      requestType: { value: requestType.value, confidence: requestType.matched ? 0.8 : 0.4 },
      urgency: { value: ruleUrgency(text), confidence: 0.7 },
      region: region ? { id: region.id, name: region.name } : null,
      title: summarizeTitle(cleaned || '（无文字内容）'),
      summary: [...cleaned].slice(0, 60).join(''),
    };
  }

  /** The triage job: classify a new ticket and move it to 待分拨 for an operator. */
  async triage(ticketId: number): Promise<JobOutcome> {
    const ticket = await findTicket(this.db, ticketId);
    if (!ticket || ticket.status !== 'new') return 'skipped';
    const classification = await this.classify(ticket.description);
    const apply: { categoryId?: number; requestType?: RequestType; urgency?: Urgency; regionId?: number } = {};
    if (ticket.categoryId === null && classification.category && classification.category.confidence >= this.options.autoApplyConfidence) {
      apply.categoryId = classification.category.id;
    }
    // Tickets that came in by themselves (no operator) take the classifier's type and place.
    if (ticket.createdBy === null) {
      if (ticket.requestType !== 'proxy') apply.requestType = classification.requestType.value;
      if (ticket.regionId === null && classification.region) apply.regionId = classification.region.id;
    }
    if (urgencyRank[classification.urgency.value] > urgencyRank[ticket.urgency]) apply.urgency = classification.urgency.value;
    const actor: Actor = { kind: 'classifier', name: `local-model v${classification.modelVersion}` };
    try {
      await this.tickets.perform(actor, ticketId, 'classify', { classification, apply }, { readBack: false });
    } catch (error) {
      // An operator acted first, or the ticket is gone: nothing left to do.
      if (error instanceof AppError && (error.code === 'INVALID_TRANSITION' || error.code === 'NOT_FOUND')) return 'skipped';
      throw error;
    }
    return 'done';
  }

  private async referenceData() {
    if (this.references && this.references.until > Date.now()) return this.references;
    const [categories, regions] = await Promise.all([
      this.db('categories').select('id', 'code', 'name').where({ active: true }),
      this.db('regions').select('id', 'name', 'level'),
    ]);
    this.references = {
      until: Date.now() + referenceCacheMs,
      categories: new Map(categories.map((c: { id: number; code: string; name: string }) => [c.code, { id: c.id, name: c.name }])),
      regions,
    };
    return this.references;
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;
