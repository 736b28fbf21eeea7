/**
 * Inboxes, teams and agents: one query key each, shared by the admin screens and the automation rule
 * builder's pickers, so a change in one place refreshes every view of it.
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../api/client';
import { useSettingsRefresh } from './settings-queries';

export type Inbox = Schemas['Inbox'];
export type Team = Schemas['Team'];
export type Agent = Schemas['Agent'];

export const INBOXES_KEY = ['inboxes'] as const;
export const TEAMS_KEY = ['teams'] as const;
export const AGENTS_KEY = ['agents'] as const;

/** Each list's query, for screens that read it their own way (the conversation screens take `.data`). */
export const inboxesQuery = queryOptions({
  queryKey: INBOXES_KEY,
  queryFn: () => unwrap(api.GET('/api/inboxes')),
});
export const teamsQuery = queryOptions({ queryKey: TEAMS_KEY, queryFn: () => unwrap(api.GET('/api/teams')) });
export const agentsQuery = queryOptions({
  queryKey: AGENTS_KEY,
  queryFn: () => unwrap(api.GET('/api/agents')),
});

export function useInboxes() {
  return useQuery(inboxesQuery);
}

export function useTeams() {
  return useQuery(teamsQuery);
}

/** Agents with availability and load; looked at again every 15 s so "online now" stays true. */
export function useAgents() {
  return useQuery({ ...agentsQuery, refetchInterval: 15_000 });
}

export function useRefreshAssignment() {
  return useSettingsRefresh(INBOXES_KEY, TEAMS_KEY, AGENTS_KEY);
}

export function agentLabel(agent: { name: string | null; email: string } | undefined): string {
  return agent ? agent.name || agent.email : '';
}
