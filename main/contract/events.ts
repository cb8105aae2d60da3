/** Events pushed from main to every connected renderer, and the typed bus services emit them on. */
import type { JobsEvents } from './jobs';
import type { LibraryEvents } from './library';
import type { ModelsEvents } from './models';
import type { RemoteEvents } from './remote';
import type { SystemEvents } from './system';

export interface Events extends SystemEvents, LibraryEvents, ModelsEvents, JobsEvents, RemoteEvents {}
export type EventName = keyof Events;
export interface EventMessage<E extends EventName = EventName> {
  event: E;
  payload: Events[E];
}

export type EventListener = (message: EventMessage) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    const message = { event, payload } as EventMessage;
    for (const listener of [...this.listeners]) {
      try {
        listener(message);
      } catch {
        // a broken listener (a closed socket) never stops the others
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
