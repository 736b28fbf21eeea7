/**
 * The workspace's live updates: one EventSource on `GET /api/live` while a conversations screen is
 * open. Each change updates the conversation in the cache and refreshes the lists, counts and the open
 * conversation's messages; the browser reconnects by itself (sending Last-Event-ID, so the server sends
 * what was missed first), and the last id seen is kept across screens so moving between the list and a
 * conversation misses nothing. `reset` (too much missed) reloads everything.
 */
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Schemas } from '../../api/client';

type Conversation = Schemas['Conversation'];

interface LiveChange {
  seq: number;
  kind: 'created' | 'updated' | 'message';
  conversation: Conversation;
  message: Schemas['Message'] | null;
}

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/** The last event id this page has seen: a later stream starts after it. */
let lastSeq: string | null = null;

function apply(client: QueryClient, change: LiveChange, refreshLists: () => void) {
  const { conversation } = change;
  client.setQueryData(['conversation', conversation.id], conversation);
  void client.invalidateQueries({ queryKey: ['conversation-messages', conversation.id] });
  void client.invalidateQueries({ queryKey: ['conversation-events', conversation.id] });
  refreshLists();
}

export function useLiveConversations(): LiveState {
  const client = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    // Lists and counts are refreshed at most every 200 ms however many changes arrive.
    let timer: number | null = null;
    const refreshLists = () => {
      timer ??= window.setTimeout(() => {
        timer = null;
        void client.invalidateQueries({ queryKey: ['conversations'] });
        void client.invalidateQueries({ queryKey: ['conversation-counts'] });
      }, 200);
    };
    let source: EventSource | null = null;
    let retry: number | null = null;
    const connect = () => {
      const url = lastSeq ? `/api/live?after=${encodeURIComponent(lastSeq)}` : '/api/live';
      const es = new EventSource(url, { withCredentials: true });
      source = es;
      es.addEventListener('ready', (event) => {
        const { seq } = JSON.parse((event as MessageEvent<string>).data) as { seq: number };
        lastSeq = String(seq);
        setState('live');
      });
      es.addEventListener('conversation', (event) => {
        const message = event as MessageEvent<string>;
        if (message.lastEventId) lastSeq = message.lastEventId;
        apply(client, JSON.parse(message.data) as LiveChange, refreshLists);
      });
      es.addEventListener('reset', (event) => {
        const { seq } = JSON.parse((event as MessageEvent<string>).data) as { seq: number };
        lastSeq = String(seq);
        for (const key of [
          'conversations',
          'conversation-counts',
          'conversation',
          'conversation-messages',
          'conversation-events',
        ])
          void client.invalidateQueries({ queryKey: [key] });
      });
      es.onerror = () => {
        setState('reconnecting');
        // The browser retries by itself unless the server refused the stream (signed out, restarting).
        if (es.readyState === EventSource.CLOSED) {
          es.close();
          retry = window.setTimeout(connect, 3000);
        }
      };
    };
    connect();
    return () => {
      if (timer !== null) window.clearTimeout(timer);
      if (retry !== null) window.clearTimeout(retry);
      source?.close();
    };
  }, [client]);
  return state;
}
