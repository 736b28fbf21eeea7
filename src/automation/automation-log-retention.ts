/**
 * Evaluation logs grow with every change; processes that run background work (`kith worker`,
 * `kith serve`) delete entries older than KITH_AUTOMATION_LOG_DAYS (default 30) once an hour.
 */
import { startPeriodicTask } from '../jobs/periodic-task.js';
import type { AutomationRuleService } from './automation-rule-service.js';

export function startAutomationLogRetention(
  rules: AutomationRuleService,
  days: number,
  log: (message: string, error?: unknown) => void,
): () => void {
  return startPeriodicTask(
    async () => {
      const n = await rules.pruneLogs(new Date(Date.now() - days * 86_400_000));
      if (n > 0) log(`removed ${n} automation log entries older than ${days} days`);
    },
    3_600_000,
    (e) => log('could not prune the automation logs', e),
  );
}
