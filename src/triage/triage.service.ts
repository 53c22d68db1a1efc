import { systemActor, type Actor } from '../shared/roles';
import type { Db, Queryable } from '../db/db';
import type { JobOutcome } from '../jobs/queue';
import { AppError, conflict, notFound } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { TicketClassification } from '../tickets/ticket.schemas';
import { summarizeTitle } from '../tickets/ticket-view';
import { RoutingService } from '../routing/routing.service';
import type { TicketsService } from '../tickets/tickets.service';
import { findTicket } from '../tickets/tickets.repository';
import type { RequestType, TicketRecord, Urgency } from '../tickets/ticket.types';
import * as models from './classifier-models.repository';
import { starterCategoryExamples } from './starter-set';
import { chooseCategory } from './category-choice';
import { TriageModel } from './triage-model';
import { cosine, type SparseVector } from './local-model/features';
import { countLabelsSince, listLabels } from './labels.repository';
import { activeReferences, usualDepartmentOf } from './triage.repository';
import { trainAndStore } from './model-training';
import { llmAnswerSchema, type LlmClassifier } from './llm';
import type { LlmGuard } from './llm-guard';
import { redactPii } from '../shared/pii';
import { extractAddress, matchRegion, ruleRequestType, ruleUrgency } from './rules';

export interface LlmPath {
  classifier: LlmClassifier;
  guard: LlmGuard;
  /** Ask the LLM only when the local model's confidence is below this. */
  belowConfidence: number;
  redactPii: boolean;
}

const urgencyRank: Record<Urgency, number> = { normal: 0, urgent: 1, emergency: 2 };
const referenceCacheMs = 60_000;

/**
 * Triage: turns a new request into a classified, routable ticket. The local model decides the
 * category, and with the rules the request type and urgency; the region table places it. The classifier
 * fills in on its own only what nobody set and what it is confident of; the rest is a
 * suggestion for the operator, stored on the ticket and its timeline.
 */
export class TriageService {
  private active?: { version: number; classifier: TriageModel; createdAt?: Date };
  /** Confirmed examples in the active model's vector space, for the LLM prompt. */
  private examples?: { version: number; items: Array<{ text: string; code: string; vector: SparseVector }> };
  private readonly usualDepartments = new Map<number, { until: number; department: TicketClassification['department'] }>();
  private references?: {
    until: number;
    categories: Map<string, { id: number; name: string; description: string; parentCode: string | null }>;
    regions: Array<{ id: number; name: string; level: string }>;
  };

  constructor(
    private readonly db: Db,
    private readonly tickets: TicketsService,
    private readonly logger: Logger,
    private readonly options: {
      autoApplyConfidence: number;
      llm?: LlmPath;
      autoDispatch?: RoutingService;
      /** 智能答复 (src/knowledge/auto-answer.ts): true when it answered the classified ticket itself. */
      autoAnswer?: { tryAnswer(ticket: TicketRecord): Promise<boolean> };
    },
  ) {}

  /** The version this process classifies with. */
  get activeVersion(): number | undefined {
    return this.active?.version;
  }

  /** Loads the active model, training and storing the built-in one on a fresh database. */
  async ensureModel(): Promise<number> {
    const stored = await models.findActiveModel(this.db);
    if (stored) {
      if (this.active?.version !== stored.version)
        this.active = { version: stored.version, classifier: TriageModel.deserialize(stored.model), createdAt: stored.createdAt };
      return stored.version;
    }
    // A fresh database: the first process to get here trains the built-in model; the others wait and load it.
    const trained = await this.db.transaction(async (trx) => {
      await models.lockModelSlot(trx, 'classifier:default-model');
      const raced = await models.findActiveModel(trx);
      if (raced) return { version: raced.version, classifier: TriageModel.deserialize(raced.model) };
      return trainAndStore(trx, starterCategoryExamples(), 'starter set (src/triage/starter-set-text.ts)');
    });
    return this.use(trained);
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
  async train(examples: ReadonlyArray<{ text: string; label: string }>, source: string): Promise<number> {
    return this.use(await trainAndStore(this.db, examples, source));
  }

  /** From now on, this model. Only once its version is committed: the reload task would swap it back before. */
  private use(model: Awaited<ReturnType<typeof trainAndStore>> | { version: number; classifier: TriageModel }) {
    this.active = { version: model.version, classifier: model.classifier, createdAt: new Date() };
    if ('source' in model)
      this.logger.info({ version: model.version, examples: model.examples, source: model.source }, 'classifier model trained');
    return model.version;
  }

  /** The starter set and every operator decision, trained and stored in trx (used once trx commits). */
  private async trainOnLabels(trx: Queryable, why: string) {
    const labels = await listLabels(trx, 50_000);
    return trainAndStore(trx, [...starterCategoryExamples(), ...labels], `${why}: starter set + ${labels.length} operator labels`);
  }

  /** The scheduled retraining, once minLabels operator decisions came since the active model; one worker at a time. */
  async retrainIfDue(minLabels: number): Promise<number | undefined> {
    const stored = await models.findActiveModel(this.db);
    if (!stored || (await countLabelsSince(this.db, stored.createdAt)) < minLabels) return undefined;
    const trained = await this.db.transaction(async (trx) => {
      if (!(await models.tryLockModelSlot(trx, 'classifier:retrain'))) return undefined;
      const current = await models.findActiveModel(trx);
      if (!current || current.version !== stored.version) return undefined;
      return this.trainOnLabels(trx, 'retraining');
    });
    return trained && this.use(trained);
  }

  /** The model's versions with their metrics, and how many operator decisions came since the active one. */
  async versions(): Promise<{ labelsSinceActive: number; items: models.ModelVersion[] }> {
    const active = await models.findActiveModel(this.db);
    return {
      labelsSinceActive: active ? await countLabelsSince(this.db, active.createdAt) : 0,
      items: await models.listVersions(this.db),
    };
  }

  /** Back to a stored version: used here at once, by the other processes on their next reload. */
  async activate(version: number): Promise<models.ModelVersion> {
    if (!(await models.activateVersion(this.db, version))) throw notFound('模型版本');
    await this.ensureModel();
    this.logger.info({ version }, 'classifier model activated');
    return (await models.listVersions(this.db)).find((v) => v.version === version)!;
  }

  /** Retrains now on the starter set and every operator decision (as the scheduled retraining does). */
  async retrainNow(): Promise<models.ModelVersion> {
    const trained = await this.db.transaction(async (trx) => {
      if (!(await models.tryLockModelSlot(trx, 'classifier:retrain'))) throw conflict('模型正在重新训练，请一分钟后再试');
      return this.trainOnLabels(trx, 'retraining on request');
    });
    const version = this.use(trained);
    return (await models.listVersions(this.db)).find((v) => v.version === version)!;
  }

  /** The confirmed tickets most like this text, for the LLM prompt (cosine over the local model's features). */
  private async nearestExamples(text: string, k: number): Promise<Array<{ text: string; code: string }>> {
    const { version, classifier } = this.active!;
    if (this.examples?.version !== version) {
      const labels = await listLabels(this.db, 2_000);
      const pool = [...labels, ...starterCategoryExamples()].map((e) => ({ text: e.text, code: e.label }));
      this.examples = { version, items: pool.map((e) => ({ ...e, vector: classifier.vectorize(e.text) })) };
    }
    const query = classifier.vectorize(text);
    return this.examples.items
      .map((e) => ({ e, score: cosine(query, e.vector) }))
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, k)
      .map(({ e }) => ({ text: [...e.text].slice(0, 120).join(''), code: e.code }));
  }

  /** The classifier's answer for a text; `local: true` (the seat's preview, on every pause in typing) never asks the LLM. */
  async classify(text: string, options: { local?: boolean } = {}): Promise<TicketClassification> {
    if (!this.active) await this.ensureModel();
    const { version, classifier } = this.active!;
    const refs = await this.referenceData();
    const local = classifier.classify(text);
    const choice = chooseCategory(
      local.ranking,
      (code) => refs.categories.get(code)?.parentCode ?? undefined,
      this.options.autoApplyConfidence,
    );
    const localCategory = refs.categories.get(choice.code);
    const requestType = ruleRequestType(text) ?? classifier.requestType(text) ?? { value: 'help', confidence: 0.4 };
    const learnedUrgency = classifier.urgency(text);
    const localUrgency =
      learnedUrgency && urgencyRank[learnedUrgency.value] > urgencyRank[ruleUrgency(text)] ? learnedUrgency.value : ruleUrgency(text);
    const region = matchRegion(text, refs.regions);
    const cleaned = text.replace(/\s+/g, ' ').trim();
    const localConfident = localCategory !== undefined && choice.confidence >= this.options.autoApplyConfidence;

    const llmPath = options.local ? undefined : this.options.llm;
    const llm =
      llmPath && cleaned && choice.confidence < llmPath.belowConfidence ? await this.askLlm(llmPath, cleaned, refs.categories) : null;
    const llmUsable = llm && !('error' in llm) ? llm : undefined;
    const decidedBy = localConfident
      ? 'local'
      : llmUsable && llmUsable.category.confidence >= this.options.autoApplyConfidence
        ? 'llm'
        : 'none';
    const byLlm = decidedBy === 'llm' ? llmUsable! : undefined;
    const urgency = byLlm && urgencyRank[byLlm.urgency] > urgencyRank[localUrgency] ? byLlm.urgency : localUrgency;
    const category = byLlm
      ? { ...refs.categories.get(byLlm.category.code)!, code: byLlm.category.code, confidence: byLlm.category.confidence }
      : localCategory
        ? { id: localCategory.id, code: choice.code, name: localCategory.name, confidence: round(choice.confidence) }
        : null;
    return {
      by: 'local',
      modelVersion: version,
      category: category ? { id: category.id, code: category.code, name: category.name, confidence: category.confidence } : null,
      alternatives: local.ranking.slice(1, 4).map((r) => ({ code: r.label, confidence: round(r.probability) })),
      requestType: byLlm
        ? { value: byLlm.requestType, confidence: byLlm.category.confidence }
        : { value: requestType.value, confidence: round(requestType.confidence) },
      urgency: { value: urgency, confidence: round(learnedUrgency?.value === urgency ? learnedUrgency.confidence : 0.7) },
      region: region ? { id: region.id, name: region.name } : null,
      department: category ? await this.usualDepartment(category.id) : null,
      address: extractAddress(cleaned)?.slice(0, 200) ?? null,
      title: byLlm ? byLlm.title : summarizeTitle(cleaned || '（无文字内容）'),
      summary: byLlm ? byLlm.summary : [...cleaned].slice(0, 60).join(''),
      decidedBy,
      llm,
    };
  }

  /**
   * The department that led most tickets of this category (or its subcategories) among the latest
   * 2,000 of the last 180 days, and its share of them: the hotline's own history as a suggestion.
   * Routing (the dispatch catalog) decides; this only tells the operator what usually happens.
   * Each category's latest come from its own index range (at most 2,000 rows each), so the cost
   * does not grow with the history; and a category's answer is kept for a minute, like the taxonomy.
   */
  private async usualDepartment(categoryId: number): Promise<TicketClassification['department']> {
    const cached = this.usualDepartments.get(categoryId);
    if (cached && cached.until > Date.now()) return cached.department;
    const row = await usualDepartmentOf(this.db, categoryId);
    const department = row ? { id: row.id, name: row.name, confidence: Math.round(row.share * 1000) / 1000 } : null;
    // No history yet is cheap to ask again (an empty index range), and the first tickets soon make one.
    if (department) this.usualDepartments.set(categoryId, { until: Date.now() + referenceCacheMs, department });
    return department;
  }

  /**
   * One guarded LLM call: within budget and with the circuit closed, on redacted text, and the
   * answer validated against the taxonomy. Any failure is an answer too ({error}); triage goes on.
   */
  private async askLlm(
    path: LlmPath,
    text: string,
    categories: Map<string, { id: number; name: string; description: string }>,
  ): Promise<TicketClassification['llm']> {
    const allowed = await path.guard.allow();
    if (!allowed.ok) return { error: allowed.reason };
    const codes = [...categories.keys()] as [string, ...string[]];
    try {
      const redact = (value: string) => (path.redactPii ? redactPii(value) : value);
      const sent = [...redact(text)].slice(0, 4_000).join('');
      const examples = (await this.nearestExamples(text, 3))
        .filter((e) => categories.has(e.code))
        .map((e) => ({ text: redact(e.text), code: e.code }));
      const result = await path.classifier.classify({
        text: sent,
        taxonomy: codes.map((code) => ({ code, name: categories.get(code)!.name, description: categories.get(code)!.description })),
        examples,
      });
      const tokens = result.usage.promptTokens + result.usage.completionTokens;
      const parsed = llmAnswerSchema(codes).safeParse(result.json);
      await path.guard.record({ ok: parsed.success, tokens });
      if (!parsed.success)
        return { error: `malformed LLM answer: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}` };
      const answer = parsed.data;
      return {
        category: { code: answer.category, name: categories.get(answer.category)!.name, confidence: answer.confidence },
        requestType: answer.requestType,
        urgency: answer.urgency,
        title: answer.title,
        summary: answer.summary,
        model: result.model,
        mode: result.mode,
        tokens,
      };
    } catch (error) {
      await path.guard.record({ ok: false, tokens: 0 });
      this.logger.warn({ err: error }, 'LLM classification failed; the local model decides');
      return { error: `LLM unavailable: ${(error as Error).message}`.slice(0, 300) };
    }
  }

  /**
   * A triage job's tickets, one after another. One that fails does not stop the others; the job
   * then fails and is retried, and the tickets already done are skipped (triage is idempotent).
   */
  async triageMany(ticketIds: readonly number[], logger: Logger): Promise<JobOutcome> {
    const failed: number[] = [];
    let done = 0;
    for (const ticketId of ticketIds) {
      try {
        if ((await this.triage(ticketId)) === 'done') done += 1;
      } catch (error) {
        logger.warn({ err: error, ticketId }, 'triage of a ticket failed; the job will retry it');
        failed.push(ticketId);
      }
    }
    if (failed.length > 0) throw new Error(`triage failed for ticket(s) ${failed.join(', ')}`);
    return done > 0 ? 'done' : 'skipped';
  }

  /**
   * One ticket: classify a new ticket and move it to 待分拨; then, when the category is
   * confident and set to auto and the dispatch catalog matches, dispatch it without an operator.
   */
  async triage(ticketId: number): Promise<JobOutcome> {
    const ticket = await findTicket(this.db, ticketId);
    // A retry after classifying (the worker died before answering or dispatching) goes on from there.
    if (ticket?.status === 'triage' && ticket.classification && (this.options.autoAnswer || this.options.autoDispatch)) {
      await this.answerOrDispatch(ticket);
      return 'done';
    }
    if (!ticket || ticket.status !== 'new') return 'skipped';
    const classification = await this.classify(ticket.description);
    const apply: { categoryId?: number; requestType?: RequestType; urgency?: Urgency; regionId?: number; address?: string } = {};
    if (ticket.categoryId === null && classification.category && classification.decidedBy !== 'none')
      apply.categoryId = classification.category.id;
    // Tickets that came in by themselves (no operator) take the classifier's type and place.
    if (ticket.createdBy === null) {
      if (ticket.requestType !== 'proxy') apply.requestType = classification.requestType.value;
      if (ticket.regionId === null && classification.region) apply.regionId = classification.region.id;
      if (ticket.address === null && classification.address) apply.address = classification.address;
    }
    if (urgencyRank[classification.urgency.value] > urgencyRank[ticket.urgency]) apply.urgency = classification.urgency.value;
    const actor: Actor = {
      kind: 'classifier',
      name:
        classification.decidedBy === 'llm' && classification.llm && 'model' in classification.llm
          ? `llm ${classification.llm.model}`
          : `local-model v${classification.modelVersion}`,
    };
    let classified: TicketRecord;
    try {
      classified = await this.tickets.perform(actor, ticketId, 'classify', { classification, apply }, { readBack: false });
    } catch (error) {
      // An operator acted first, or the ticket is gone: nothing left to do.
      if (error instanceof AppError && (error.code === 'INVALID_TRANSITION' || error.code === 'NOT_FOUND')) return 'skipped';
      throw error;
    }
    await this.answerOrDispatch(classified);
    return 'done';
  }

  /** A plain question answered from the knowledge base needs no department; otherwise the dispatch catalog may route it. */
  private async answerOrDispatch(ticket: TicketRecord): Promise<void> {
    if (this.options.autoAnswer && (await this.options.autoAnswer.tryAnswer(ticket))) return;
    if (this.options.autoDispatch) await this.autoDispatch(this.options.autoDispatch, ticket);
  }

  /** The ticket as classified; an operator who acted since wins (the dispatch expects its version). */
  private async autoDispatch(routing: RoutingService, ticket: TicketRecord): Promise<void> {
    if (ticket.status !== 'triage') return;
    const decision = await routing.decide(RoutingService.inputOf(ticket));
    if (decision.outcome !== 'catalog') return;
    // A category on the ticket is a confident one (set by staff, or applied by the classifier above its threshold).
    const confident = ticket.categoryId !== null && (await routing.dispatchMode(ticket.categoryId)) === 'auto';
    // A 代办 request names its matter: a 代办 entry for it and its place routes it, whatever the category.
    const byMatter = decision.entry!.byMatter || (decision.entry!.forProxy && ticket.requestType === 'proxy' && ticket.matter !== null);
    if (!confident && !byMatter) return;
    try {
      await this.tickets.perform(
        systemActor('auto-dispatch'),
        ticket.id,
        'dispatch',
        { departmentId: decision.department!.id, expectedVersion: ticket.version },
        { readBack: false },
      );
    } catch (error) {
      // An operator acted in between: theirs stands.
      if (error instanceof AppError && ['INVALID_TRANSITION', 'NOT_FOUND', 'CONFLICT'].includes(error.code)) return;
      throw error;
    }
  }

  private async referenceData() {
    if (this.references && this.references.until > Date.now()) return this.references;
    const { categories, regions } = await activeReferences(this.db);
    this.references = {
      until: Date.now() + referenceCacheMs,
      categories: new Map(
        categories.map((c) => [c.code, { id: c.id, name: c.name, description: c.description, parentCode: c.parentCode }]),
      ),
      regions,
    };
    return this.references;
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;
