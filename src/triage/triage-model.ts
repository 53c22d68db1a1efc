import type { RequestType, Urgency } from '../tickets/ticket.types';
import { LocalTextClassifier, type Classification } from './local-model/text-classifier';
import { starterSet } from './starter-set';

type Serialized = ReturnType<LocalTextClassifier['serialize']>;
/** As stored: the category model's fields, and the request-type and urgency models beside them (absent in older versions). */
export type SerializedTriageModel = Serialized & { requestType?: Serialized; urgency?: Serialized };

/**
 * What the local model learns from words: the category (from the examples given: the starter set,
 * operators' decisions or imported data), and how the citizen asks (request type) and how pressing
 * it is (urgency), both from the starter set, whose every sentence carries them.
 */
export class TriageModel {
  private constructor(
    readonly category: LocalTextClassifier,
    private readonly requestTypeModel?: LocalTextClassifier,
    private readonly urgencyModel?: LocalTextClassifier,
  ) {}

  static train(examples: ReadonlyArray<{ text: string; label: string }>): TriageModel {
    return new TriageModel(
      LocalTextClassifier.train(examples),
      // 代办 is a service the citizen asks for by name (the rules see it); learned, it would send help to the 代办 desk.
      LocalTextClassifier.train(starterSet.map((e) => ({ text: e.text, label: e.requestType === 'proxy' ? 'help' : e.requestType }))),
      LocalTextClassifier.train(starterSet.map((e) => ({ text: e.text, label: e.urgency }))),
    );
  }

  classify(text: string): Classification {
    return this.category.classify(text);
  }

  requestType(text: string): { value: RequestType; confidence: number } | undefined {
    const answer = this.requestTypeModel?.classify(text);
    return answer && { value: answer.label as RequestType, confidence: answer.confidence };
  }

  urgency(text: string): { value: Urgency; confidence: number } | undefined {
    const answer = this.urgencyModel?.classify(text);
    return answer && { value: answer.label as Urgency, confidence: answer.confidence };
  }

  get labels(): string[] {
    return this.category.labels;
  }

  vectorize(text: string) {
    return this.category.vectorize(text);
  }

  serialize(): SerializedTriageModel {
    return { ...this.category.serialize(), requestType: this.requestTypeModel?.serialize(), urgency: this.urgencyModel?.serialize() };
  }

  static deserialize(data: SerializedTriageModel): TriageModel {
    return new TriageModel(
      LocalTextClassifier.deserialize(data),
      data.requestType && LocalTextClassifier.deserialize(data.requestType),
      data.urgency && LocalTextClassifier.deserialize(data.urgency),
    );
  }
}
