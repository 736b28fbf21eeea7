/**
 * Matching 查重规则 (admin): a form over the matching rules — the fields compared (chosen from the
 * customer fields, attributes and identity types) and how, the thresholds as percentages and the prior
 * as "1 in N" (left empty, each scan derives them), and the blocking rules as lists of terms in words —
 * with the server's validation on the widget it names; back to the defaults; and the policy: what
 * creating a likely duplicate does and how often changed customers are scanned. The conversions are
 * in matching-form.ts.
 */
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { joinSentences } from '../../i18n/sentences';
import { api, ApiError, unwrap } from '../../api/client';
import { localeOf } from '../../i18n';
import { identityTypeLabel } from '../../ui/identity-type-label';
import { PageHeader } from '../../ui/PageHeader';
import { CustomerPicker } from '../customers/CustomerPicker';
import { useAttributeDefinitions, useIdentityTypes } from '../customers/customer-queries';
import { formatScore, useFieldLabel, useLevelLabel } from '../duplicates/duplicate-format';
import { formProblem, NO_PROBLEM, type FormProblem } from './form-problem';
import { ConfirmModal } from './ConfirmModal';
import {
  blockingRowOf,
  formatThreshold,
  blockingTerms,
  COMPARATORS,
  type FieldGroup,
  fieldGroup,
  type FieldRule,
  formOf,
  keepBlockingTerms,
  MAX_BLOCKING_RULES,
  MAX_FIELDS,
  type MatchingRules,
  missingThreshold,
  problemPlace,
  problemSpot,
  type RulesForm,
  rulesOf,
  STANDARD_FIELDS,
  suggestedComparator,
  termParts,
} from './matching-form';
import { notify } from './notify';

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

/** The fields the form offers, by group, with their labels in the user's language. */
function useFieldChoices() {
  const { t } = useTranslation();
  const fieldLabel = useFieldLabel();
  const attributes = useAttributeDefinitions();
  const identityTypes = useIdentityTypes();
  const groups: Record<FieldGroup, { value: string; label: string }[]> = {
    standard: STANDARD_FIELDS.map((field) => ({ value: field, label: fieldLabel(field) })),
    attribute: (attributes.data?.data ?? []).map((attribute) => ({
      value: `attr.${attribute.key}`,
      label: attribute.label?.trim() || attribute.key,
    })),
    identity: (identityTypes.data?.data ?? []).map((type) => ({
      value: `identity.${type.key}`,
      label: identityTypeLabel(type, t),
    })),
  };
  const labels = new Map(Object.values(groups).flatMap((items) => items.map((i) => [i.value, i.label])));
  return {
    groups,
    /** A field as the form names it: its label, else (a field no list holds) its name. */
    label: (field: string) => labels.get(field) ?? field,
  };
}

function RulesSettings() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const choices = useFieldChoices();
  const current = useQuery({
    queryKey: ['duplicates', 'rules'],
    queryFn: async () =>
      (await unwrap(api.GET('/api/duplicates/rules'))) as { rules: MatchingRules; is_default: boolean },
  });
  const [form, setForm] = useState<RulesForm | null>(null);
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  // Set by a save with one threshold only: said on the empty one, which the server would not name.
  const [halfThresholds, setHalfThresholds] = useState(false);
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

  // Each refusal on the widget it names; the rest above the buttons, said with what they are about.
  const errors: Record<string, string> = {};
  const blockingErrors: Record<number, string> = {};
  const general: string[] = [];
  for (const [path, reason] of Object.entries(problem.fields)) {
    const spot = problemSpot(path);
    if (spot?.on === 'field' || spot?.on === 'comparator') errors[`${spot.on}.${spot.row}`] = reason;
    // The server's limits are on the 0–1 it takes; the form shows percentages and "1 in N".
    else if (spot?.on === 'match' || spot?.on === 'review')
      errors[spot.on] ??= path === 'rules.thresholds' ? reason : t('settings.matching.percentRange');
    else if (spot?.on === 'prior') errors.prior = t('settings.matching.priorRange');
    else if (spot?.on === 'blocking' && blockingRowOf(form.blocking, spot.rule) !== null)
      blockingErrors[blockingRowOf(form.blocking, spot.rule)!] ??= reason;
    else {
      const place = problemPlace(path);
      general.push(
        place ? `${t(`settings.matching.places.${place.place}`, { n: place.n })}: ${reason}` : reason,
      );
    }
  }
  const missing = halfThresholds ? missingThreshold(form) : null;
  if (missing) errors[missing] = t('settings.matching.bothThresholds');

  const setFields = (fields: FieldRule[]) =>
    setForm({ ...form, fields, blocking: keepBlockingTerms(form.blocking, form.fields, fields) });
  const setField = (index: number, change: Partial<FieldRule>) =>
    setFields(form.fields.map((f, i) => (i === index ? { ...f, ...change } : f)));
  const setRule = (index: number, terms: string[]) =>
    setForm({ ...form, blocking: form.blocking.map((rule, i) => (i === index ? terms : rule)) });

  /** The fields row `index` may choose: those of other rows disabled, its own always listed. */
  const fieldData = (index: number) => {
    const own = form.fields[index]!.field;
    const taken = new Set(form.fields.filter((_, i) => i !== index).map((f) => f.field));
    const known = Object.values(choices.groups).some((items) => items.some((i) => i.value === own));
    return (Object.entries(choices.groups) as [FieldGroup, { value: string; label: string }[]][])
      .map(([group, items]) => ({
        group: t(`settings.matching.fieldGroups.${group}`),
        items: [
          ...items,
          // A stored field no list holds (an attribute since deleted …) still shows, as named.
          ...(own && !known && fieldGroup(own) === group ? [{ value: own, label: own }] : []),
        ].map((item) => ({ ...item, disabled: taken.has(item.value) })),
      }))
      .filter((group) => group.items.length > 0);
  };

  const termLabel = (term: string) => {
    const { field, variant } = termParts(term);
    if (variant === 'halves') return t('settings.matching.terms.halves');
    if (variant === 'phonetic' || variant === 'street')
      return t(`settings.matching.terms.${variant}`, { field: choices.label(field) });
    return variant ? term : choices.label(field);
  };
  const offered = blockingTerms(form.fields);
  /** A rule's terms to choose from: those the fields offer, and any stored term they do not. */
  const termData = (terms: string[]) =>
    [...offered, ...terms.filter((term) => !offered.includes(term))].map((term) => ({
      value: term,
      label: termLabel(term),
    }));

  const submit = () => {
    if (missingThreshold(form)) {
      setHalfThresholds(true);
      return;
    }
    setHalfThresholds(false);
    save.mutate(rulesOf(form));
  };

  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {t('settings.matching.rules')}
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
          submit();
        }}
      >
        <Title order={3} size="h5" id="compared-fields-title">
          {t('settings.matching.fields')}
        </Title>
        <Text size="sm" c="dimmed" mb="xs" maw={760}>
          {t('settings.matching.fieldsHint')}
        </Text>
        <Table aria-labelledby="compared-fields-title" mb="xs" maw={760} verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="45%">{t('settings.matching.field')}</Table.Th>
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
                  <Select
                    aria-label={t('settings.matching.fieldN', { n: index + 1 })}
                    placeholder={t('settings.matching.chooseField')}
                    data={fieldData(index)}
                    value={rule.field || null}
                    searchable
                    selectFirstOptionOnChange
                    allowDeselect={false}
                    nothingFoundMessage={t('settings.matching.noField')}
                    maxDropdownHeight={320}
                    onChange={(value) => {
                      if (value && value !== rule.field)
                        setField(index, { field: value, comparator: suggestedComparator(value) });
                    }}
                    error={errors[`field.${index}`]}
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
                    error={errors[`comparator.${index}`]}
                  />
                </Table.Td>
                <Table.Td>
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    aria-label={t('settings.deleteNamed', {
                      name: rule.field ? choices.label(rule.field) : index + 1,
                    })}
                    onClick={() => setFields(form.fields.filter((_, i) => i !== index))}
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
          mb="lg"
          disabled={form.fields.length >= MAX_FIELDS}
          onClick={() => setFields([...form.fields, { field: '', comparator: 'text' }])}
        >
          {t('settings.matching.addField')}
        </Button>

        <Title order={3} size="h5">
          {t('settings.matching.thresholds')}
        </Title>
        <Text size="sm" c="dimmed" mb="xs" maw={760}>
          {t('settings.matching.thresholdsHint')}
        </Text>
        <Group align="flex-start" gap="md" mb="lg">
          {(['match', 'review'] as const).map((key) => (
            <NumberInput
              key={key}
              label={t(`settings.matching.${key}`)}
              placeholder={t('settings.matching.derived')}
              w={200}
              min={0}
              max={100}
              decimalScale={4}
              suffix="%"
              value={form[key]}
              onChange={(value) => setForm({ ...form, [key]: value === '' ? '' : Number(value) })}
              error={errors[key]}
            />
          ))}
          <NumberInput
            label={t('settings.matching.prior')}
            placeholder={t('settings.matching.estimated')}
            w={300}
            min={1}
            decimalScale={2}
            thousandSeparator
            prefix={t('settings.matching.priorPrefix')}
            value={form.prior}
            onChange={(value) => setForm({ ...form, prior: value === '' ? '' : Number(value) })}
            error={errors.prior}
          />
        </Group>

        <Title order={3} size="h5" id="blocking-title">
          {t('settings.matching.blocking')}
        </Title>
        <Text size="sm" c="dimmed" mb="xs" maw={760}>
          {t('settings.matching.blockingHint')}
        </Text>
        <Stack gap="xs" mb="xs" maw={760} aria-labelledby="blocking-title" role="group">
          {form.blocking.length === 0 && (
            <Text size="sm" fs="italic">
              {t('settings.matching.blockingNone')}
            </Text>
          )}
          {form.blocking.map((terms, index) => (
            <Group key={index} gap="xs" align="flex-start" wrap="nowrap">
              <Text size="sm" w={64} pt={6} style={{ flexShrink: 0 }}>
                {t('settings.matching.ruleN', { n: index + 1 })}
              </Text>
              <MultiSelect
                aria-label={t('settings.matching.blockingRuleN', { n: index + 1 })}
                placeholder={terms.length === 0 ? t('settings.matching.chooseTerms') : undefined}
                data={termData(terms)}
                value={terms}
                onChange={(value) => setRule(index, value)}
                searchable
                selectFirstOptionOnChange
                hidePickedOptions
                nothingFoundMessage={t('settings.matching.noTerm')}
                maxDropdownHeight={320}
                error={blockingErrors[index]}
                style={{ flex: 1 }}
              />
              <ActionIcon
                variant="subtle"
                color="gray"
                mt={4}
                aria-label={t('settings.matching.removeBlocking', { n: index + 1 })}
                onClick={() => setForm({ ...form, blocking: form.blocking.filter((_, i) => i !== index) })}
              >
                ×
              </ActionIcon>
            </Group>
          ))}
        </Stack>
        <Button
          variant="default"
          size="xs"
          mb="lg"
          disabled={form.blocking.length >= MAX_BLOCKING_RULES}
          onClick={() => setForm({ ...form, blocking: [...form.blocking, []] })}
        >
          {t('settings.matching.addBlocking')}
        </Button>

        {(problem.message || general.length > 0) && (
          <Alert color="red" role="alert" mb="md">
            {problem.message ?? joinSentences(general, t)}
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
            setHalfThresholds(false);
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
  const { t, i18n } = useTranslation();
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
                match: formatThreshold(result.thresholds.match, localeOf(i18n.language)),
                review: formatThreshold(result.thresholds.review, localeOf(i18n.language)),
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
