import { z } from 'zod';
import { call } from './define.js';

// Placeholder until the app issue fills this in: lists the saved connections.
export const connectionSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  uri: z.string().min(1).max(2048),
  autoconnect: z.boolean(),
});

export const connectionCalls = {
  'connections.list': call(z.object({}).strict(), z.array(connectionSchema)),
};

export const connectionEvents = {
  'connections.changed': z.object({ id: z.string() }),
};
