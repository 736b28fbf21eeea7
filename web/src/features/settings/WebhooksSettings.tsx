/**
 * Webhooks (admin): endpoints other systems receive signed events at, each with its events and recent
 * deliveries (attempts, last answer or error). Add one (its signing secret is shown once), change its
 * address, events or description, pause it, send it a test event now, remove it.
 */
import {
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  Paper,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas, unwrap } from '../../api/client';
import { formatDateTime } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState } from '../../ui/states';
import { QueryStates } from '../../ui/QueryStates';
import { ConfirmModal } from './ConfirmModal';
import { ModalForm, ProblemAlert } from './FormModal';
import { StatusLabel } from './StatusLabel';
import { type FormProblem, formProblem, NO_PROBLEM } from './form-problem';
import { SecretReveal } from './SecretReveal';
import { notify, notifyRefused } from './notify';
import { useRowDialogs } from './row-dialogs';
import { outboundErrorText } from './outbound-errors';
import { TableScroll } from '../../ui/TableScroll';

type Endpoint = Schemas['WebhookEndpoint'];
type Delivery = Schemas['WebhookDelivery'];

/** The events an endpoint may subscribe to (the server's WEBHOOK_EVENTS). */
const EVENTS = [
  'import.completed',
  'import.failed',
  'import.cancelled',
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'contact.merged',
  'contact.restored',
] as const;
const RECENT = 10;

/** An event's name in the user's language; an event this app does not know yet, as the server names it. */
function useEventLabel(): (event: string) => string {
  const { t, i18n } = useTranslation();
  return (event) => {
    const key = `settings.webhooks.events.${event.replace('.', '_')}`;
    return i18n.exists(key) ? t(key) : event;
  };
}

export function WebhooksSettings() {
  const { t } = useTranslation();
  const endpoints = useQuery({ queryKey: ['webhooks'], queryFn: () => unwrap(api.GET('/api/webhooks')) });
  const { editing, setEditing, deleting, setDeleting, refresh } = useRowDialogs<Endpoint>(['webhooks']);
  const addButton = <Button onClick={() => setEditing('new')}>{t('settings.webhooks.new')}</Button>;

  return (
    <>
      <PageHeader
        title={t('settings.webhooks.title')}
        description={t('settings.webhooks.description')}
        actions={addButton}
      />
      <QueryStates
        query={endpoints}
        rows={4}
        isEmpty={(page) => page.data.length === 0}
        empty={
          <Paper withBorder>
            <EmptyState
              title={t('settings.webhooks.emptyTitle')}
              description={t('settings.webhooks.empty')}
              action={addButton}
            />
          </Paper>
        }
      >
        {(page) => (
          <Stack gap="md">
            {page.data.map((endpoint) => (
              <EndpointCard
                key={endpoint.id}
                endpoint={endpoint}
                onEdit={() => setEditing(endpoint)}
                onRemove={() => setDeleting(endpoint)}
              />
            ))}
          </Stack>
        )}
      </QueryStates>
      {editing && (
        <EndpointModal
          endpoint={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={refresh}
        />
      )}
      {deleting && (
        <ConfirmModal
          title={t('settings.webhooks.removeTitle')}
          confirmLabel={t('settings.webhooks.remove')}
          onClose={() => setDeleting(null)}
          onConfirm={() =>
            unwrap(api.DELETE('/api/webhooks/{id}', { params: { path: { id: deleting.id } } }))
          }
          onDone={() => {
            refresh();
            notify({
              color: 'green',
              message: t('settings.webhooks.removed', { url: deleting.url }),
            });
          }}
        >
          {t('settings.webhooks.removeBody', { url: deleting.url })}
        </ConfirmModal>
      )}
    </>
  );
}

function EndpointCard({
  endpoint,
  onEdit,
  onRemove,
}: {
  endpoint: Endpoint;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const eventLabel = useEventLabel();
  const client = useQueryClient();
  const deliveriesKey = ['webhook-deliveries', endpoint.id];
  const deliveries = useQuery({
    queryKey: deliveriesKey,
    queryFn: () =>
      unwrap(
        api.GET('/api/webhooks/{id}/deliveries', {
          params: { path: { id: endpoint.id }, query: { limit: RECENT } },
        }),
      ),
    // Pending deliveries are retried in the background: look again now and then while any wait.
    refetchInterval: (query) => (query.state.data?.data.some((d) => d.status === 'pending') ? 15_000 : false),
  });
  const test = useMutation({
    mutationFn: () => unwrap(api.POST('/api/webhooks/{id}/test', { params: { path: { id: endpoint.id } } })),
    onSuccess: (delivery) => {
      void client.invalidateQueries({ queryKey: deliveriesKey });
      if (delivery.status === 'delivered')
        notify({
          color: 'green',
          message: t('settings.webhooks.testDelivered', { status: delivery.last_status ?? '' }),
        });
      else
        notify({
          color: 'orange',
          title: t('settings.webhooks.testFailed'),
          message:
            delivery.last_error !== null
              ? outboundErrorText(delivery.last_error, t)
              : t('settings.webhooks.statusAnswer', { status: delivery.last_status }),
        });
    },
    onError: (error) => notifyRefused(error),
  });

  return (
    <Paper withBorder p="md" data-testid="webhook-endpoint">
      <Group justify="space-between" align="flex-start" wrap="nowrap" mb="sm">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Group gap="xs" wrap="nowrap">
            <Title order={2} size="h5" className="kith-mono" style={{ overflowWrap: 'anywhere' }}>
              {endpoint.url}
            </Title>
            {endpoint.active ? (
              <StatusLabel color="green">{t('settings.webhooks.active')}</StatusLabel>
            ) : (
              <StatusLabel color="gray">{t('settings.webhooks.inactive')}</StatusLabel>
            )}
          </Group>
          <Group gap={4}>
            {endpoint.events.map((event) => (
              <Badge key={event} variant="default" tt="none" size="sm">
                {eventLabel(event)}
              </Badge>
            ))}
          </Group>
          {endpoint.description && (
            <Text size="sm" c="dimmed">
              {endpoint.description}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            {t('settings.webhooks.createdAt', { when: formatDateTime(endpoint.created_at) })}
          </Text>
        </Stack>
        <Group gap="xs" wrap="nowrap">
          <Button variant="default" onClick={() => test.mutate()} loading={test.isPending}>
            {t('settings.webhooks.sendTest')}
          </Button>
          <Button
            variant="default"
            onClick={onEdit}
            aria-label={t('settings.webhooks.editOf', { url: endpoint.url })}
          >
            {t('settings.webhooks.edit')}
          </Button>
          <Button variant="subtle" color="red" onClick={onRemove}>
            {t('settings.webhooks.remove')}
          </Button>
        </Group>
      </Group>
      <Text size="sm" fw={600} mb={4}>
        {t('settings.webhooks.recent')}
      </Text>
      <QueryStates
        query={deliveries}
        rows={2}
        isEmpty={(page) => page.data.length === 0}
        empty={
          <Text size="sm" c="dimmed">
            {t('settings.webhooks.noDeliveries')}
          </Text>
        }
      >
        {(page) => (
          <TableScroll minWidth={720} label={t('settings.webhooks.recentOf', { url: endpoint.url })}>
            <Table aria-label={t('settings.webhooks.recentOf', { url: endpoint.url })} fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('settings.webhooks.when')}</Table.Th>
                  <Table.Th>{t('settings.webhooks.event')}</Table.Th>
                  <Table.Th>{t('settings.users.status')}</Table.Th>
                  <Table.Th ta="right">{t('settings.webhooks.attempts')}</Table.Th>
                  <Table.Th>{t('settings.webhooks.lastResult')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.data.map((delivery) => (
                  <DeliveryRow key={delivery.id} delivery={delivery} />
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        )}
      </QueryStates>
    </Paper>
  );
}

function DeliveryRow({ delivery }: { delivery: Delivery }) {
  const { t } = useTranslation();
  const eventLabel = useEventLabel();
  const color = delivery.status === 'delivered' ? 'green' : delivery.status === 'failed' ? 'red' : 'yellow';
  const status = ['delivered', 'failed', 'pending'].includes(delivery.status)
    ? t(`settings.webhooks.status.${delivery.status as 'delivered'}`)
    : delivery.status;
  return (
    <Table.Tr>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(delivery.created_at)}</Table.Td>
      <Table.Td>{eventLabel(delivery.event)}</Table.Td>
      <Table.Td>
        <StatusLabel color={color}>{status}</StatusLabel>
        {delivery.status === 'pending' && delivery.next_attempt_at && (
          <Text size="xs" c="dimmed">
            {t('settings.webhooks.nextAttempt', { when: formatDateTime(delivery.next_attempt_at) })}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">{delivery.attempts}</Table.Td>
      <Table.Td>
        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
          {(delivery.last_error !== null ? outboundErrorText(delivery.last_error, t) : null) ??
            (delivery.last_status !== null
              ? t('settings.webhooks.statusAnswer', { status: delivery.last_status })
              : '—')}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

/** Adds an endpoint (its secret then shown once), or changes one: address, events, description, paused. */
function EndpointModal({
  endpoint,
  onClose,
  onSaved,
}: {
  endpoint?: Endpoint;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const eventLabel = useEventLabel();
  const [url, setUrl] = useState(endpoint?.url ?? '');
  const [events, setEvents] = useState<string[]>(endpoint?.events ?? ['import.completed']);
  const [description, setDescription] = useState(endpoint?.description ?? '');
  const [active, setActive] = useState(endpoint?.active ?? true);
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/webhooks', {
          body: {
            url: url.trim(),
            events,
            ...(description.trim() ? { description: description.trim() } : {}),
          },
        }),
      ),
    onSuccess: onSaved,
    onError: (error) => setProblem(formProblem(error, t)),
  });
  const update = useMutation({
    mutationFn: (id: string) =>
      unwrap(
        api.PATCH('/api/webhooks/{id}', {
          params: { path: { id } },
          body: { url: url.trim(), events, description: description.trim() || null, active },
        }),
      ),
    onSuccess: (saved) => {
      onSaved();
      notify({ color: 'green', message: t('settings.webhooks.savedEndpoint', { url: saved.url }) });
      onClose();
    },
    onError: (error) => setProblem(formProblem(error, t)),
  });
  const created = create.data;
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened
      onClose={onClose}
      size="lg"
      title={
        created
          ? t('settings.webhooks.createdTitle')
          : endpoint
            ? t('settings.webhooks.editTitle')
            : t('settings.webhooks.newTitle')
      }
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack gap="sm">
          <Text size="sm" className="kith-mono" style={{ overflowWrap: 'anywhere' }}>
            {created.url}
          </Text>
          <SecretReveal label={t('settings.webhooks.secretLabel')} secret={created.secret} />
          <Text size="sm" c="dimmed">
            {t('settings.webhooks.signing')}
          </Text>
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('settings.secret.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <ModalForm
          onSubmit={() => {
            setProblem(NO_PROBLEM);
            if (endpoint) update.mutate(endpoint.id);
            else create.mutate();
          }}
          onCancel={onClose}
          submit={
            <Button type="submit" loading={create.isPending || update.isPending}>
              {endpoint ? t('common.save') : t('settings.webhooks.create')}
            </Button>
          }
        >
          <ProblemAlert problem={problem} />
          <TextInput
            label={t('settings.webhooks.url')}
            description={t('settings.webhooks.urlHint')}
            placeholder="https://crm.example.com/kith"
            required
            data-autofocus
            type="url"
            value={url}
            onChange={(event) => {
              setUrl(event.currentTarget.value);
              // The refusal was about the address as it was; a new one is checked when saved.
              if (problem.fields.url)
                setProblem({
                  ...problem,
                  fields: Object.fromEntries(Object.entries(problem.fields).filter(([f]) => f !== 'url')),
                });
            }}
            error={problem.fields.url}
          />
          <Checkbox.Group
            label={t('settings.webhooks.eventsLabel')}
            value={events}
            onChange={setEvents}
            error={problem.fields.events}
          >
            <Stack gap={6} mt={6}>
              {EVENTS.map((event) => (
                <Checkbox
                  key={event}
                  value={event}
                  label={eventLabel(event)}
                  description={<span className="kith-mono">{event}</span>}
                />
              ))}
            </Stack>
          </Checkbox.Group>
          <Textarea
            label={t('settings.attributes.descriptionField')}
            autosize
            minRows={2}
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
            error={problem.fields.description}
          />
          {endpoint && (
            <Switch
              label={t('settings.webhooks.activeLabel')}
              description={t('settings.webhooks.activeHint')}
              checked={active}
              onChange={(event) => setActive(event.currentTarget.checked)}
            />
          )}
        </ModalForm>
      )}
    </Modal>
  );
}
