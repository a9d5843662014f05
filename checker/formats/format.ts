// What a history format provides: a reader that also says how its source treats
// implicit values (the model options), e.g. Porcupine's kv starts every key at "".
import type { History } from '../history.js';
import type { ModelOptions } from '../model.js';

export interface HistoryFormat {
  read(text: string, file: string): { history: History; modelOptions: ModelOptions };
}
