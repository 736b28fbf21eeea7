/**
 * Automation 自动化 (`/automation`): the automation rules in the order they run, each with its event, an
 * active switch, when it last acted and how many runs failed; a rule the server switched off after
 * repeated failures says so. New rules start blank or from a template (`/automation/rules/new?template=`).
 */
import { Anchor, Button, Menu, Paper, Stack, Switch, Table, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { RequireAdmin } from '../../session/RequireSession';
import { formatDateTime, formatNumber } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import { notify, notifyRefused } from '../settings/notify';
import { StatusLabel } from '../settings/StatusLabel';
import { TEMPLATE_IDS } from './rule-model';
import { deactivatedReasonText } from './rule-run-errors';
import { type AutomationRule, useRefreshRules, useRules } from './rule-queries';
import { TableScroll } from '../../ui/TableScroll';

export function NewRuleMenu() {
  const { t } = useTranslation();
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button>{t('automation.newRule')}</Button>
      </Menu.Target>
      <Menu.Dropdown maw={380}>
        <Menu.Item component={Link} to="/automation/rules/new">
          {t('automation.blank')}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Label>{t('automation.fromTemplate')}</Menu.Label>
        {TEMPLATE_IDS.map((id) => (
          <Menu.Item key={id} component={Link} to={`/automation/rules/new?template=${id}`}>
            <Text size="sm">{t(`automation.templates.${id}`)}</Text>
            <Text size="xs" c="dimmed">
              {t(`automation.templates.${id}Hint`)}
            </Text>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

/** Rules are an administrator's (the server refuses agents): an agent who opens the address is told. */
export default function AutomationPage() {
  return (
    <RequireAdmin>
      <RulesList />
    </RequireAdmin>
  );
}

function RulesList() {
  const { t } = useTranslation();
  const rules = useRules();

  return (
    <Stack gap={0} maw={1200}>
      <PageHeader
        title={t('automation.title')}
        description={t('automation.description')}
        actions={<NewRuleMenu />}
      />
      {rules.isPending ? (
        <LoadingRows rows={5} />
      ) : rules.isError ? (
        <ErrorState error={rules.error} onRetry={() => void rules.refetch()} />
      ) : rules.data.data.length === 0 ? (
        <Paper withBorder>
          <EmptyState
            title={t('automation.emptyTitle')}
            description={t('automation.empty')}
            action={<NewRuleMenu />}
          />
        </Paper>
      ) : (
        <Paper withBorder>
          <TableScroll minWidth={760} label={t('automation.title')}>
            <Table fz="sm" verticalSpacing="xs" highlightOnHover aria-label={t('automation.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('automation.columns.name')}</Table.Th>
                  <Table.Th>{t('automation.columns.event')}</Table.Th>
                  <Table.Th>{t('automation.columns.active')}</Table.Th>
                  <Table.Th>{t('automation.columns.lastRun')}</Table.Th>
                  <Table.Th ta="right">{t('automation.columns.failures')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rules.data.data.map((rule) => (
                  <RuleRow key={rule.id} rule={rule} />
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        </Paper>
      )}
    </Stack>
  );
}

function RuleRow({ rule }: { rule: AutomationRule }) {
  const { t, i18n } = useTranslation();
  const refresh = useRefreshRules();
  const toggle = useMutation({
    mutationFn: (active: boolean) =>
      unwrap(api.PATCH('/api/rules/{id}', { params: { path: { id: rule.id } }, body: { active } })),
    onSuccess: (saved) => {
      refresh();
      notify({
        color: 'green',
        message: t(saved.active ? 'automation.turnedOn' : 'automation.turnedOff', { name: rule.name }),
      });
    },
    onError: (error) => notifyRefused(error),
  });
  const eventKey = `automation.events.${rule.event}`;
  return (
    <Table.Tr data-testid="rule-row">
      <Table.Td>
        <Anchor component={Link} to={`/automation/rules/${rule.id}`} size="sm" fw={500}>
          {rule.name}
        </Anchor>
        {rule.deactivated_reason && (
          <Text size="xs" c="red.8" title={deactivatedReasonText(rule.deactivated_reason, t)}>
            {t('automation.switchedOff')} · {t('automation.switchedOffHint')}
          </Text>
        )}
      </Table.Td>
      <Table.Td>{i18n.exists(eventKey) ? t(eventKey) : rule.event}</Table.Td>
      <Table.Td>
        <Switch
          checked={rule.active}
          disabled={toggle.isPending}
          onChange={(event) => toggle.mutate(event.currentTarget.checked)}
          aria-label={t('automation.activeFor', { name: rule.name })}
        />
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        {rule.last_run_at ? formatDateTime(rule.last_run_at) : t('automation.never')}
      </Table.Td>
      <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
        {rule.failures > 0 ? (
          <StatusLabel color="red">{formatNumber(rule.failures)}</StatusLabel>
        ) : (
          formatNumber(rule.failures)
        )}
      </Table.Td>
    </Table.Tr>
  );
}
