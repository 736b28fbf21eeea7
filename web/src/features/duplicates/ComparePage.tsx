/**
 * `/duplicates/compare?ids=a,b[,c…]&pair=<id>`: the records side by side, every field aligned, what
 * differs highlighted, each matching field's agreement and weight (why Kith thinks they match). An
 * administrator picks the main record and, where a field differs, the value to keep; the merge's dry
 * run previews the result. Decisions walk on through the queue the URL's filters describe, by mouse
 * or by keys (M merge, N not a duplicate, S skip, J next, U undo the last decision).
 */
import { Alert, Anchor, Badge, Button, Group, Paper, Radio, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, type Contact, unwrap } from '../../api/client';
import { isAdmin, useSession } from '../../session/session';
import { formatDate, formatDateTime, formatList, listParts } from '../../i18n';
import { Email } from '../../ui/Email';
import { initialSourceLabel } from '../../ui/initial-source-label';
import { formatPhone } from '../../ui/phone-format';
import { PageHeader } from '../../ui/PageHeader';
import { ErrorState, LoadingRows, NotFoundState } from '../../ui/states';
import { TEXT_FIELDS } from '../customers/contact-form';
import { displayName } from '../customers/customer-format';
import { notify } from '../imports/notify';
import { filtersOf, type MergeResult, nextPair, paramsOf, usePair } from './duplicate-api';
import { useContactsById } from '../customers/customer-queries';
import { compareUrl, formatScore, NEUTRAL_WEIGHT, useFieldLabel, useLevelLabel } from './duplicate-format';
import { differingIdentifiers } from './identifier-conflict';
import { mergeErrorText } from './merge-errors';
import { RecordActivity } from './RecordActivity';
import { TableScroll } from '../../ui/TableScroll';

interface Row {
  /** The merge's name for the field: `city`, `identity.crm`, `attr.tier`; lists have none. */
  field: string | null;
  label: string;
  values: (string | null)[];
  /** For phones, each record's phones (formatted): shown so that no number breaks. */
  phones?: (string[] | null)[];
  /** For e-mails, each record's addresses: shown so that none breaks inside a word. */
  emails?: (string[] | null)[];
}

/** Phones as a list in the page's language, each kept whole; the list wraps between numbers only. */
function PhoneList({ phones }: { phones: string[] }) {
  return listParts(phones.length, 'values').map((part, i) =>
    'item' in part ? (
      <span key={i} className="kith-phone">
        {phones[part.item]}
      </span>
    ) : (
      part.text
    ),
  );
}

/** E-mails as a list in the page's language, each wrapping only between its pieces (ui/Email.tsx). */
function EmailList({ emails }: { emails: string[] }) {
  return listParts(emails.length, 'values').map((part, i) =>
    'item' in part ? <Email key={i} address={emails[part.item]!} /> : part.text,
  );
}

/** A record's value in a row as shown: phones and e-mails each kept whole, else the text. */
function shownValue(row: Row, index: number): ReactNode {
  const phones = row.phones?.[index];
  if (phones) return <PhoneList phones={phones} />;
  const emails = row.emails?.[index];
  if (emails) return <EmailList emails={emails} />;
  return row.values[index];
}

type Decision =
  | { kind: 'merge'; pairId: string | null; mergeId: string; url: string }
  | { kind: 'not_duplicate' | 'skipped'; pairId: string; url: string };

export default function ComparePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { data: user } = useSession();
  const admin = isAdmin(user);
  const [params] = useSearchParams();
  const ids = (params.get('ids') ?? '').split(',').filter(Boolean);
  const pairId = params.get('pair');
  const filters = filtersOf(params);
  const contacts = useContactsById(ids);
  const pair = usePair(pairId);
  // Two customers compared without a stored pair (from a group, a merge, a shared link): scored as a
  // scan with the saved rules would.
  const scored = useQuery({
    queryKey: ['duplicates', 'score', ids.join(',')],
    queryFn: () => unwrap(api.GET('/api/duplicates/score', { params: { query: { ids: ids.join(',') } } })),
    enabled: !pairId && ids.length === 2,
  });
  const fieldLabel = useFieldLabel();
  const levelLabel = useLevelLabel();
  const [survivor, setSurvivor] = useState<string | null>(null);
  const [prefer, setPrefer] = useState<Record<string, string>>({});
  const [last, setLast] = useState<Decision | null>(null);
  const here = `/duplicates/compare?${params.toString()}`;

  // Another pair: its own choices.
  const key = ids.join(',');
  useEffect(() => {
    setSurvivor(null);
    setPrefer({});
  }, [key]);

  const records = ids.map((id) => contacts.data?.get(id)).filter((c): c is Contact => Boolean(c));
  const complete = contacts.isSuccess && records.length === ids.length && ids.length >= 2;

  const preview = useQuery({
    queryKey: ['merge-preview', key, survivor, prefer],
    queryFn: () =>
      unwrap(
        api.POST('/api/contacts/merge', {
          body: { contact_ids: ids, survivor_id: survivor ?? undefined, prefer, dry_run: true },
        }),
      ),
    enabled: admin && complete,
    staleTime: 0,
  });
  const plan: MergeResult | undefined = preview.data;
  const kept = survivor ?? plan?.survivor_id ?? null;
  const chosenFrom = (field: string) =>
    prefer[field] ?? plan?.choices.find((c) => c.field === field)?.chosen_from ?? kept;

  const goNext = async (after: string | null, decided?: Decision) => {
    if (decided) setLast(decided);
    const next = after ? await nextPair(filters, after) : null;
    await client.invalidateQueries({ queryKey: ['duplicates'] });
    if (next) void navigate(compareUrl(next, filters));
    // The end of the queue: stay, so the decision can still be undone here.
    else notify({ message: t('duplicates.actions.noNext') });
  };

  const merge = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/contacts/merge', {
          body: { contact_ids: ids, survivor_id: kept ?? undefined, prefer },
        }),
      ),
    onSuccess: async (result) => {
      const main = result.contact;
      await client.invalidateQueries({ queryKey: ['contacts'] });
      await goNext(pairId, { kind: 'merge', pairId, mergeId: result.merge_id!, url: here });
      notify({
        color: 'green',
        message: (
          <>
            {t('duplicates.actions.merged', { name: displayName(main) })}{' '}
            {/* Notifications render outside the router: a plain link that navigates in the app. */}
            <Anchor
              href={`/customers/${main.id}`}
              size="sm"
              onClick={(event) => {
                event.preventDefault();
                void navigate(`/customers/${main.id}`);
              }}
            >
              {t('duplicates.actions.openSurvivor')}
            </Anchor>
          </>
        ),
      });
    },
  });

  const decide = useMutation({
    mutationFn: (decision: 'not_duplicate' | 'skipped') =>
      unwrap(
        api.POST('/api/duplicates/{id}/decision', { params: { path: { id: pairId! } }, body: { decision } }),
      ),
    // Told once the next pair is on screen, when the keys work again.
    onSuccess: async (decided) => {
      await goNext(decided.id, { kind: decided.status as 'skipped', pairId: decided.id, url: here });
      notify({
        message: t('duplicates.actions.decided', { status: t(`duplicates.status.${decided.status}`) }),
      });
    },
  });

  const undo = useMutation({
    mutationFn: async (decision: Decision) => {
      if (decision.kind === 'merge')
        await unwrap(api.POST('/api/merges/{id}/unmerge', { params: { path: { id: decision.mergeId } } }));
      else
        await unwrap(
          api.POST('/api/duplicates/{id}/decision', {
            params: { path: { id: decision.pairId } },
            body: { decision: 'open' },
          }),
        );
      return decision;
    },
    onSuccess: async (decision) => {
      setLast(null);
      await client.invalidateQueries({ queryKey: ['contacts'] });
      await client.invalidateQueries({ queryKey: ['duplicates'] });
      await client.invalidateQueries({ queryKey: ['merges'] });
      void navigate(decision.url);
      notify({ message: t('duplicates.actions.undone') });
    },
  });

  const busy = merge.isPending || decide.isPending || undo.isPending;
  const actions = {
    merge: () => admin && complete && !busy && merge.mutate(),
    notDuplicate: () => pairId && !busy && decide.mutate('not_duplicate'),
    skip: () => pairId && !busy && decide.mutate('skipped'),
    next: () => !busy && void goNext(pairId),
    undo: () => last && !busy && undo.mutate(last),
  };
  const keys = useRef(actions);
  keys.current = actions;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement;
      if (target.closest('input, textarea, select, [contenteditable="true"], [role="dialog"]')) return;
      const action = { m: 'merge', n: 'notDuplicate', s: 'skip', j: 'next', u: 'undo' }[
        event.key.toLowerCase()
      ] as keyof typeof actions | undefined;
      if (!action) return;
      event.preventDefault();
      keys.current[action]();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (contacts.isPending) return <LoadingRows />;
  if (contacts.isError) return <ErrorState error={contacts.error} onRetry={() => void contacts.refetch()} />;
  // A record merged or deleted meanwhile (or a wrong link): the app's one not-found state, with the
  // undo of the decision just taken when there is one.
  if (!complete)
    return (
      <NotFoundState kind="compare" backTo={`/duplicates?${paramsOf({ ...filters, after: undefined })}`}>
        {last && (
          <Button variant="default" onClick={actions.undo} loading={undo.isPending}>
            {t('duplicates.actions.undo')}
          </Button>
        )}
      </NotFoundState>
    );

  const rows = complete ? rowsOf(records, fieldLabel, t) : [];
  const contributions = pair.data?.explanation ?? scored.data?.explanation ?? [];
  const band = pair.data?.band ?? scored.data?.band;
  const differing = band === 'match' ? [] : differingIdentifiers(contributions);

  return (
    <>
      <PageHeader
        title={t('duplicates.compare.title')}
        description={
          pair.data ? (
            <Group gap="xs" component="span">
              <span>{t('duplicates.compare.score', { score: formatScore(pair.data.score) })}</span>
              <Badge variant="dot" tt="none" color={pair.data.band === 'match' ? 'green' : 'yellow'}>
                {t(`duplicates.band.${pair.data.band}`)}
              </Badge>
              <Badge variant="outline" color="gray.7" tt="none">
                {t(`duplicates.status.${pair.data.status}`)}
              </Badge>
            </Group>
          ) : scored.data ? (
            <Group gap="xs" component="span">
              <span>{t('duplicates.compare.score', { score: formatScore(scored.data.score) })}</span>
              <Badge
                variant="dot"
                tt="none"
                color={
                  scored.data.band === 'match' ? 'green' : scored.data.band === 'review' ? 'yellow' : 'gray'
                }
              >
                {t(`duplicates.band.${scored.data.band}`)}
              </Badge>
            </Group>
          ) : undefined
        }
        actions={
          <Button
            component={Link}
            to={`/duplicates?${paramsOf({ ...filters, after: undefined })}`}
            variant="default"
          >
            {t('duplicates.title')}
          </Button>
        }
      />
      <Stack gap="md">
        {differing.length > 0 && (
          <Alert variant="light" color="yellow" data-testid="identifiers-differ">
            {t('duplicates.compare.identifiersDiffer', { fields: formatList(differing.map(fieldLabel)) })}
          </Alert>
        )}
        <Paper withBorder>
          <TableScroll minWidth={640} label={t('duplicates.compare.title')}>
            <Table className="kith-compare" aria-label={t('duplicates.compare.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={160}>{t('duplicates.compare.field')}</Table.Th>
                  {records.map((c) => (
                    <Table.Th key={c.id}>
                      <Anchor component={Link} to={`/customers/${c.id}`} fw={600} size="sm">
                        {displayName(c)}
                      </Anchor>
                      <Text size="xs" c="dimmed" className="kith-mono">
                        {c.id}
                      </Text>
                      {admin && (
                        <Radio
                          mt={4}
                          size="xs"
                          name="survivor"
                          value={c.id}
                          checked={kept === c.id}
                          onChange={() => {
                            setSurvivor(c.id);
                          }}
                          label={t('duplicates.compare.survivor')}
                          description={
                            plan && !survivor && plan.survivor_id === c.id
                              ? t('duplicates.compare.defaultSurvivor')
                              : undefined
                          }
                        />
                      )}
                    </Table.Th>
                  ))}
                  <Table.Th w={190}>{t('duplicates.compare.agreement')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => {
                  const filled = row.values.filter((v) => v !== null);
                  const differs = new Set(filled).size > 1;
                  const contribution = contributions.find((c) => c.field === row.field);
                  return (
                    <Table.Tr key={row.label} data-differs={differs}>
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {row.label}
                        </Text>
                      </Table.Td>
                      {records.map((c, i) => {
                        const value = row.values[i];
                        const choosable = admin && row.field !== null && differs && value !== null;
                        const isKept = row.field !== null && differs && chosenFrom(row.field) === c.id;
                        return (
                          <Table.Td key={c.id} className="kith-value" data-kept={isKept}>
                            {choosable ? (
                              <Radio
                                size="xs"
                                name={`keep-${row.field}`}
                                value={c.id}
                                checked={isKept}
                                onChange={() => setPrefer((p) => ({ ...p, [row.field!]: c.id }))}
                                label={shownValue(row, i)}
                                aria-label={`${t('duplicates.compare.keep', { field: row.label })}: ${value}`}
                              />
                            ) : (
                              <Text size="sm" c={value === null ? 'dimmed' : undefined}>
                                {shownValue(row, i) ?? '—'}
                              </Text>
                            )}
                          </Table.Td>
                        );
                      })}
                      <Table.Td>
                        {contribution && (
                          <Text
                            size="sm"
                            c={
                              contribution.weight >= NEUTRAL_WEIGHT
                                ? 'teal.9'
                                : contribution.weight <= -NEUTRAL_WEIGHT
                                  ? 'red.9'
                                  : undefined
                            }
                          >
                            {levelLabel(contribution.level)}{' '}
                            <Text span size="xs" c="dimmed">
                              ({contribution.weight > 0 ? '+' : ''}
                              {contribution.weight.toFixed(1)})
                            </Text>
                          </Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
                <Table.Tr>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {t('duplicates.compare.created')}
                    </Text>
                  </Table.Td>
                  {records.map((c) => (
                    <Table.Td key={c.id}>
                      <Text size="sm" c="dimmed">
                        {formatDateTime(c.created_at)}
                      </Text>
                    </Table.Td>
                  ))}
                  <Table.Td />
                </Table.Tr>
                <RecordActivity records={records} />
              </Table.Tbody>
            </Table>
          </TableScroll>
        </Paper>
        <Text size="sm" c="dimmed">
          {t('duplicates.compare.kept')}
        </Text>
        {admin && <MergePreview preview={preview} />}
        <Group gap="sm" wrap="wrap">
          {admin && (
            <Button onClick={actions.merge} loading={merge.isPending} disabled={busy || !plan}>
              {t('duplicates.actions.merge')}
            </Button>
          )}
          <Button variant="default" onClick={actions.notDuplicate} disabled={busy || !pairId}>
            {t('duplicates.actions.notDuplicate')}
          </Button>
          <Button variant="default" onClick={actions.skip} disabled={busy || !pairId}>
            {t('duplicates.actions.skip')}
          </Button>
          <Button variant="subtle" onClick={actions.next} disabled={busy || !pairId}>
            {t('duplicates.actions.next')}
          </Button>
          {last && (
            <Button variant="subtle" color="gray" onClick={actions.undo} loading={undo.isPending}>
              {t('duplicates.actions.undo')}
            </Button>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          {t('duplicates.actions.keys')}
        </Text>
        {[merge, decide, undo].map(
          (m, i) =>
            m.isError && (
              <Alert key={i} color="red" role="alert">
                {mergeErrorText(m.error, t, { field: fieldLabel })}
              </Alert>
            ),
        )}
      </Stack>
    </>
  );
}

/** The dry run's resulting record: what the main record will hold. */
function MergePreview({ preview }: { preview: { data?: MergeResult; isError: boolean; error: unknown } }) {
  const { t } = useTranslation();
  const fieldLabel = useFieldLabel();
  const result = preview.data;
  if (preview.isError)
    return (
      <Alert color="red" role="alert">
        {mergeErrorText(preview.error, t, { field: fieldLabel })}
      </Alert>
    );
  if (!result) return null;
  const rows = rowsOf([result.contact], fieldLabel, t).filter((row) => row.values[0] !== null);
  return (
    <Paper withBorder p="sm" aria-labelledby="merge-preview">
      <Title order={2} size="h5" id="merge-preview">
        {t('duplicates.preview.title')}
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        {t('duplicates.preview.description')}
      </Text>
      <dl className="kith-fields">
        {rows.map((row) => (
          <div key={row.label}>
            <dt>{row.label}</dt>
            <dd>{shownValue(row, 0)}</dd>
          </div>
        ))}
      </dl>
      {result.dropped_identities.length > 0 && (
        <Text size="xs" c="orange.9" mt="xs">
          {t('duplicates.preview.dropped', {
            values: formatList(
              result.dropped_identities.map((d) => `${fieldLabel(`identity.${d.type}`)}: ${d.value}`),
            ),
          })}
        </Text>
      )}
    </Paper>
  );
}

/** Every field any of the records has, one row each, values in the records' order. */
function rowsOf(
  records: readonly Contact[],
  fieldLabel: (field: string) => string,
  t: (key: string) => string,
): Row[] {
  const rows: Row[] = [];
  const show = (field: string, value: unknown): string | null => {
    if (value === null || value === undefined || value === '') return null;
    if (field === 'gender') return t(`gender.${value as string}`);
    if (field === 'birthday') return formatDate(value as string);
    if (field === 'phone') return formatPhone(value as string);
    if (field === 'initial_source') return initialSourceLabel(value as string, t);
    if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
    return String(value);
  };
  // The fields a merge chooses one value for, in the customer page's order.
  const one = (value: string | null) => (value ? [value] : null);
  for (const field of TEXT_FIELDS)
    rows.push({
      field,
      label: fieldLabel(field),
      values: records.map((c) => show(field, c[field])),
      ...(field === 'phone' ? { phones: records.map((c) => one(show(field, c.phone))) } : {}),
      ...(field === 'email' ? { emails: records.map((c) => one(c.email)) } : {}),
    });
  for (const list of ['additional_emails', 'additional_phones', 'tags'] as const)
    rows.push({
      field: null,
      label: fieldLabel(list),
      values: records.map((c) =>
        c[list].length
          ? formatList(list === 'additional_phones' ? c[list].map(formatPhone) : c[list], 'values')
          : null,
      ),
      ...(list === 'additional_phones'
        ? { phones: records.map((c) => (c[list].length ? c[list].map(formatPhone) : null)) }
        : {}),
      ...(list === 'additional_emails'
        ? { emails: records.map((c) => (c[list].length ? c[list] : null)) }
        : {}),
    });
  const identityTypes = [...new Set(records.flatMap((c) => Object.keys(c.identities)))].sort();
  for (const type of identityTypes)
    rows.push({
      field: `identity.${type}`,
      label: fieldLabel(`identity.${type}`),
      values: records.map((c) => c.identities[type] ?? null),
    });
  const attributeKeys = [...new Set(records.flatMap((c) => Object.keys(c.attributes)))].sort();
  for (const key of attributeKeys)
    rows.push({
      field: `attr.${key}`,
      label: fieldLabel(`attr.${key}`),
      values: records.map((c) => show(key, c.attributes[key])),
    });
  return rows.filter((row) => row.values.some((v) => v !== null));
}
