/**
 * The less common filters: initial source, created/updated dates, purchase facts (orders, spent, last
 * order), one custom attribute.
 */
import { Button, Group, Popover, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../../api/client';
import type { ListParams } from './customer-list-params';
import { DateField } from '../../ui/DateField';
import { initialSourceLabel, initialSourceOf } from '../../ui/initial-source-label';

/** Purchase-fact filters typed as numbers; the last-order dates are date fields. */
const PURCHASE_FILTERS = ['min_orders', 'max_orders', 'min_total_spent', 'max_total_spent'] as const;
const isAmount = (name: (typeof PURCHASE_FILTERS)[number]) => name.endsWith('_total_spent');
/**
 * The calendars and the attribute list open inside the panel, not in a portal: a click in a portal is a
 * click outside the panel, which closed it and lost the choice (Mantine's way for nested dropdowns).
 */
const IN_PANEL = { withinPortal: false } as const;

export function MoreFilters({
  list,
  attributes,
  onApply,
}: {
  list: ListParams;
  attributes: Schemas['AttributeDefinition'][];
  onApply: (changes: Record<string, string>) => void;
}) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [attribute, setAttribute] = useState<string | null>(null);
  const value = (name: string) =>
    draft[name] ?? (list.filters as Record<string, string | undefined>)[name] ?? '';
  const set = (name: string, next: string) => setDraft((current) => ({ ...current, [name]: next }));
  const active =
    [
      'initial_source',
      'created_since',
      'created_before',
      'updated_since',
      'updated_before',
      ...PURCHASE_FILTERS,
      'last_order_since',
      'last_order_before',
    ].filter((name) => (list.filters as Record<string, string | undefined>)[name]).length +
    Object.keys(list.attributes).length;

  return (
    <Popover
      opened={opened}
      onChange={setOpened}
      position="bottom-start"
      shadow="md"
      withinPortal
      trapFocus
      onOpen={() => {
        setDraft({});
        setAttribute(Object.keys(list.attributes)[0] ?? null);
      }}
    >
      <Popover.Target>
        <Button variant={active ? 'outline' : 'default'} onClick={() => setOpened((o) => !o)}>
          {active ? t('customers.moreFiltersCount', { count: active }) : t('customers.moreFilters')}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const changes: Record<string, string> = { ...draft };
            if (changes.initial_source) changes.initial_source = initialSourceOf(changes.initial_source, t);
            for (const key of Object.keys(list.attributes))
              if (key !== attribute) changes[`attr.${key}`] = '';
            onApply(changes);
            setOpened(false);
          }}
        >
          <Stack gap="sm" w={420}>
            <TextInput
              label={t('fields.initial_source')}
              // A source as the list shows it (天猫, not tmall); read back to its key when applied.
              value={draft.initial_source ?? initialSourceLabel(list.filters.initial_source ?? '', t)}
              onChange={(event) => set('initial_source', event.currentTarget.value)}
            />
            <SimpleGrid cols={2} spacing="sm">
              {(['created_since', 'created_before', 'updated_since', 'updated_before'] as const).map(
                (name) => (
                  <DateField
                    key={name}
                    label={t(`customers.filters.${name}`)}
                    value={value(name)}
                    onChange={(date) => set(name, date)}
                    popoverProps={IN_PANEL}
                  />
                ),
              )}
            </SimpleGrid>
            <SimpleGrid cols={2} spacing="sm">
              {PURCHASE_FILTERS.map((name) => (
                <TextInput
                  key={name}
                  type="number"
                  min={0}
                  step={isAmount(name) ? '0.01' : '1'}
                  inputMode={isAmount(name) ? 'decimal' : 'numeric'}
                  label={t(`orders.facts.${name}`)}
                  value={value(name)}
                  onChange={(event) => set(name, event.currentTarget.value)}
                />
              ))}
            </SimpleGrid>
            <SimpleGrid cols={2} spacing="sm">
              {(['last_order_since', 'last_order_before'] as const).map((name) => (
                <DateField
                  key={name}
                  label={t(`orders.facts.${name}`)}
                  value={value(name)}
                  onChange={(date) => set(name, date)}
                  popoverProps={IN_PANEL}
                />
              ))}
            </SimpleGrid>
            {attributes.length > 0 && (
              <SimpleGrid cols={2} spacing="sm">
                <Select
                  label={t('customers.filters.attribute')}
                  clearable
                  comboboxProps={IN_PANEL}
                  data={attributes.map((a) => ({ value: a.key, label: a.label || a.key }))}
                  value={attribute}
                  onChange={(next) => {
                    if (attribute && attribute !== next) set(`attr.${attribute}`, '');
                    setAttribute(next);
                  }}
                />
                <TextInput
                  label={t('customers.filters.attributeValue')}
                  disabled={!attribute}
                  value={attribute ? (draft[`attr.${attribute}`] ?? list.attributes[attribute] ?? '') : ''}
                  onChange={(event) => attribute && set(`attr.${attribute}`, event.currentTarget.value)}
                />
              </SimpleGrid>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpened(false)}>
                {t('common.cancel')}
              </Button>
              <Button type="submit">{t('customers.applyFilters')}</Button>
            </Group>
          </Stack>
        </form>
      </Popover.Dropdown>
    </Popover>
  );
}
