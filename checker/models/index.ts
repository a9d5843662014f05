// The model registry: adding a model is one file and one line here.
import type { ModelFactory } from '../model.js';
import { etcdModel } from './etcd.js';
import { kvModel } from './kv.js';
import { casRegisterModel, registerModel } from './register.js';
import { setModel } from './set.js';

export const models: ReadonlyMap<string, ModelFactory> = new Map<string, ModelFactory>([
  ['register', registerModel],
  ['cas-register', casRegisterModel],
  ['kv', kvModel],
  ['etcd', etcdModel],
  ['set', setModel],
]);
