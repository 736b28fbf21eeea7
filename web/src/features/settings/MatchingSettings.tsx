/**
 * Matching 查重规则 (admin): a form over the matching rules — the fields compared and how, blocking,
 * thresholds and prior (left empty, each scan derives them) — with the server's validation on the
 * field it names; back to the defaults; and the policy: what creating a likely duplicate does and how
 * often changed customers are scanned.
 */
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, unwrap } from '../../api/client';
import { PageHeader } from '../../ui/PageHeader';
import { CustomerPicker } from '../customers/CustomerPicker';
import { formatScore, useFieldLabel, useLevelLabel } from '../duplicates/duplicate-format';
import { formProblem, NO_PROBLEM, type FormProblem } from './form-problem';
import { ConfirmModal } from './ConfirmModal';
import { notify } from './notify';

const COMPARATORS = ['exact', 'text', 'name', 'email', 'phone', 'date', 'address', 'number', 'identifier'];

/** A field rule as stored; what the form does not edit (m, u, term_frequency) is kept as it was. */
interface FieldRule {
  field: string;
  comparator: string;
  [other: string]: unknown;
}

interface MatchingRules {
  fields: FieldRule[];
  blocking?: string[][];
  thresholds?: { match: number; review: number };
  prior?: number;
  [other: string]: unknown;
}

interface RulesForm {
  fields: FieldRule[];
  /** One blocking rule per line, its terms separated by commas. */
  blocking: string;
  match: number | '';
  review: number | '';
  prior: number | '';
  rest: Record<string, unknown>;
}

function formOf(rules: MatchingRules): RulesForm {
  const { fields, blocking, thresholds, prior, ...rest } = rules;
  return {
    fields: fields.map((f) => ({ ...f })),
    blocking: (blocking ?? []).map((rule) => rule.join(', ')).join('\n'),
    match: thresholds?.match ?? '',
    review: thresholds?.review ?? '',
    prior: prior ?? '',
    rest,
  };
}

function rulesOf(form: RulesForm): MatchingRules {
  const rules: MatchingRules = { ...form.rest, fields: form.fields };
  const blocking = form.blocking
    .split('\n')
    .map((line) =>
      line
        .split(',')
        .map((term) => term.trim())
        .filter(Boolean),
    )
    .filter((rule) => rule.length > 0);
  if (blocking.length > 0) rules.blocking = blocking;
  if (form.match !== '' || form.review !== '')
    rules.thresholds = { match: Number(form.match), review: Number(form.review) };
  if (form.prior !== '') rules.prior = Number(form.prior);
  return rules;
}

export function MatchingSettings() {
  const { t } = useTranslation();
  return (
    <Stack gap="lg">
      <PageHeader title={t('settings.matching.title')} description={t('settings.matching.description')} />
      <RulesSettings />
      <PolicySettings />
    </Stack>
  );
}

function RulesSettings() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const current = useQuery({
    queryKey: ['duplicates', 'rules'],
    queryFn: async () =>
      (await unwrap(api.GET('/api/duplicates/rules'))) as { rules: MatchingRules; is_default: boolean },
  });
  const [form, setForm] = useState<RulesForm | null>(null);
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  const [resetting, setResetting] = useState(false);
  useEffect(() => {
    if (current.data) setForm(formOf(current.data.rules));
  }, [current.data]);

  const save = useMutation({
    mutationFn: (rules: MatchingRules) => unwrap(api.PUT('/api/duplicates/rules', { body: rules })),
    onSuccess: async () => {
      setProblem(NO_PROBLEM);
      await client.invalidateQueries({ queryKey: ['duplicates', 'rules'] });
      notify({ color: 'green', message: t('settings.matching.saved') });
    },
    onError: (error) => setProblem(formProblem(error, t)),
  });
  if (!form) return null;
  const error = (path: string) => problem.fields[`rules.${path}`];
  const setField = (index: number, change: Partial<FieldRule>) =>
    setForm({ ...form, fields: form.fields.map((f, i) => (i === index ? { ...f, ...change } : f)) });
  const generalErrors = Object.entries(problem.fields).filter(
    ([path]) => !/^rules\.(fields\.\d+\.(field|comparator)|thresholds|prior|blocking)/.test(path),
  );

  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          {t('settings.matching.fields')}
        </Title>
        {current.data?.is_default && (
          <Badge variant="dot" color="gray" tt="none">
            {t('settings.matching.isDefault')}
          </Badge>
        )}
      </Group>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate(rulesOf(form));
        }}
      >
        <Table aria-label={t('settings.matching.fields')} mb="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('settings.matching.field')}</Table.Th>
              <Table.Th>{t('settings.matching.comparator')}</Table.Th>
              <Table.Th w={48}>
                <span className="kith-visually-hidden">{t('settings.actions')}</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {form.fields.map((rule, index) => (
              <Table.Tr key={index}>
                <Table.Td>
                  <TextInput
                    aria-label={t('settings.matching.fieldN', { n: index + 1 })}
                    value={rule.field}
                    onChange={(event) => setField(index, { field: event.currentTarget.value.trim() })}
                    error={error(`fields.${index}.field`)}
                  />
                </Table.Td>
                <Table.Td>
                  <Select
                    aria-label={t('settings.matching.comparatorN', { n: index + 1 })}
                    data={COMPARATORS.map((c) => ({
                      value: c,
                      label: t(`settings.matching.comparators.${c}`),
                    }))}
                    value={rule.comparator}
                    allowDeselect={false}
                    onChange={(value) => value && setField(index, { comparator: value })}
                    error={error(`fields.${index}.comparator`)}
                  />
                </Table.Td>
                <Table.Td>
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    aria-label={t('settings.deleteNamed', { name: rule.field || index + 1 })}
                    onClick={() => setForm({ ...form, fields: form.fields.filter((_, i) => i !== index) })}
                  >
                    ×
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Button
          variant="default"
          size="xs"
          mb="md"
          onClick={() => setForm({ ...form, fields: [...form.fields, { field: '', comparator: 'text' }] })}
        >
          {t('settings.matching.addField')}
        </Button>
        <Text size="xs" c="dimmed" mb="md">
          {t('settings.matching.fieldHint')}
        </Text>
        <Group align="flex-start" gap="md" mb="md">
          <NumberInput
            label={t('settings.matching.match')}
            description={t('settings.matching.derived')}
            w={200}
            min={0}
            max={1}
            step={0.01}
            decimalScale={4}
            value={form.match}
            onChange={(value) => setForm({ ...form, match: value === '' ? '' : Number(value) })}
            error={error('thresholds.match') ?? error('thresholds')}
          />
          <NumberInput
            label={t('settings.matching.review')}
            description={t('settings.matching.derived')}
            w={200}
            min={0}
            max={1}
            step={0.01}
            decimalScale={4}
            value={form.review}
            onChange={(value) => setForm({ ...form, review: value === '' ? '' : Number(value) })}
            error={error('thresholds.review')}
          />
          <NumberInput
            label={t('settings.matching.prior')}
            description={t('settings.matching.estimated')}
            w={200}
            min={0}
            max={1}
            decimalScale={8}
            value={form.prior}
            onChange={(value) => setForm({ ...form, prior: value === '' ? '' : Number(value) })}
            error={error('prior')}
          />
        </Group>
        <Textarea
          label={t('settings.matching.blocking')}
          description={t('settings.matching.blockingHint')}
          autosize
          minRows={2}
          value={form.blocking}
          onChange={(event) => setForm({ ...form, blocking: event.currentTarget.value })}
          error={Object.entries(problem.fields).find(([path]) => path.startsWith('rules.blocking'))?.[1]}
          mb="md"
        />
        {(problem.message || generalErrors.length > 0) && (
          <Alert color="red" role="alert" mb="md">
            {problem.message ?? generalErrors.map(([path, reason]) => `${path}: ${reason}`).join('; ')}
          </Alert>
        )}
        <Group justify="space-between">
          <Button
            variant="subtle"
            color="red"
            onClick={() => setResetting(true)}
            disabled={current.data?.is_default}
          >
            {t('settings.matching.reset')}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </form>
      <TryRules rules={rulesOf(form)} onRulesRefused={(error) => setProblem(formProblem(error, t))} />
      {resetting && (
        <ConfirmModal
          title={t('settings.matching.resetTitle')}
          confirmLabel={t('settings.matching.reset')}
          onConfirm={() => unwrap(api.DELETE('/api/duplicates/rules'))}
          onDone={() => {
            setProblem(NO_PROBLEM);
            void client.invalidateQueries({ queryKey: ['duplicates', 'rules'] });
            notify({ color: 'green', message: t('settings.matching.resetDone') });
          }}
          onClose={() => setResetting(false)}
        >
          {t('settings.matching.resetText')}
        </ConfirmModal>
      )}
    </Paper>
  );
}

/**
 * Scores two customers with the rules as they stand in the form (nothing saved): the score, the band
 * and each field's agreement and weight. Refused rules show on the form's fields, as saving would.
 */
function TryRules({
  rules,
  onRulesRefused,
}: {
  rules: MatchingRules;
  onRulesRefused: (error: unknown) => void;
}) {
  const { t } = useTranslation();
  const fieldLabel = useFieldLabel();
  const levelLabel = useLevelLabel();
  const [first, setFirst] = useState<string | null>(null);
  const [second, setSecond] = useState<string | null>(null);
  const [pickerError, setPickerError] = useState<string | null>(null);
  const trial = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/duplicates/rules/try', { body: { rules, contact_ids: [first!, second!] } })),
    onMutate: () => setPickerError(null),
    onError: (error) => {
      const customers = error instanceof ApiError && error.fieldErrors.some((e) => e.field === 'contact_ids');
      if (customers) setPickerError(formProblem(error, t).fields.contact_ids ?? null);
      else onRulesRefused(error);
    },
  });
  const result = trial.data;
  return (
    <section aria-labelledby="try-rules-title">
      <Title order={3} size="h5" id="try-rules-title" mt="lg">
        {t('settings.matching.try.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('settings.matching.try.description')}
      </Text>
      <Group align="flex-end" gap="sm" mb="sm">
        <CustomerPicker label={t('settings.matching.try.first')} value={first} onChange={setFirst} />
        <CustomerPicker
          label={t('settings.matching.try.second')}
          value={second}
          onChange={setSecond}
          error={pickerError ?? undefined}
        />
        <Button
          variant="default"
          disabled={!first || !second}
          loading={trial.isPending}
          onClick={() => trial.mutate()}
        >
          {t('settings.matching.try.run')}
        </Button>
      </Group>
      {result && (
        <div role="status" aria-live="polite">
          <Group gap="sm" mb={4}>
            <Text size="sm" fw={600}>
              {t('settings.matching.try.score', { score: formatScore(result.score) })}
            </Text>
            <Badge
              variant="dot"
              tt="none"
              color={result.band === 'match' ? 'green' : result.band === 'review' ? 'yellow' : 'gray'}
            >
              {t(`settings.matching.try.band.${result.band}`)}
            </Badge>
            <Text size="xs" c="dimmed">
              {t('settings.matching.try.thresholds', {
                match: result.thresholds.match.toFixed(3),
                review: result.thresholds.review.toFixed(3),
              })}{' '}
              · {t(`settings.matching.try.model.${result.model}`)}
            </Text>
          </Group>
          <Table withTableBorder striped={false} verticalSpacing={4} fz="sm" maw={640}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('settings.matching.try.field')}</Table.Th>
                <Table.Th>{t('settings.matching.try.agreement')}</Table.Th>
                <Table.Th ta="right">{t('settings.matching.try.weight')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.explanation.map((c) => (
                <Table.Tr key={c.field}>
                  <Table.Td>{fieldLabel(c.field)}</Table.Td>
                  <Table.Td>{levelLabel(c.level)}</Table.Td>
                  <Table.Td ta="right" className="kith-mono">
                    {c.weight > 0 ? '+' : ''}
                    {c.weight.toFixed(2)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
    </section>
  );
}

interface Policy {
  on_create: 'warn' | 'block';
  incremental_scan_minutes: number | null;
}

function PolicySettings() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const current = useQuery({
    queryKey: ['duplicates', 'policy'],
    queryFn: async () => (await unwrap(api.GET('/api/duplicates/policy'))) as Policy,
  });
  const [form, setForm] = useState<Policy | null>(null);
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  useEffect(() => {
    if (current.data) setForm(current.data);
  }, [current.data]);
  const save = useMutation({
    mutationFn: (policy: Policy) => unwrap(api.PATCH('/api/duplicates/policy', { body: policy })),
    onSuccess: async () => {
      setProblem(NO_PROBLEM);
      await client.invalidateQueries({ queryKey: ['duplicates', 'policy'] });
      notify({ color: 'green', message: t('settings.matching.saved') });
    },
    onError: (error) => setProblem(formProblem(error, t)),
  });
  if (!form) return null;
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">
        {t('settings.matching.policy')}
      </Title>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate(form);
        }}
      >
        <Stack gap="md" align="flex-start">
          <div>
            <Text size="sm" fw={500} id="on-create-label">
              {t('settings.matching.onCreate')}
            </Text>
            <SegmentedControl
              aria-labelledby="on-create-label"
              value={form.on_create}
              onChange={(value) => setForm({ ...form, on_create: value as Policy['on_create'] })}
              data={[
                { value: 'warn', label: t('settings.matching.warn') },
                { value: 'block', label: t('settings.matching.block') },
              ]}
            />
          </div>
          <NumberInput
            label={t('settings.matching.schedule')}
            description={t('settings.matching.scheduleHint')}
            w={320}
            min={1}
            max={10080}
            allowDecimal={false}
            value={form.incremental_scan_minutes ?? ''}
            onChange={(value) =>
              setForm({ ...form, incremental_scan_minutes: value === '' ? null : Number(value) })
            }
            error={problem.fields['policy.incremental_scan_minutes']}
          />
          {problem.message && (
            <Alert color="red" role="alert">
              {problem.message}
            </Alert>
          )}
          <Button type="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
