/**
 * Step 3: 字段匹配 — each column with sample values and where it goes (the server's suggestion first),
 * targets grouped, the identifier rule checked live, mappings saved under a name for the next file.
 */
import { Alert, Anchor, Badge, Button, Group, Menu, Paper, Select, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { notify } from './notify';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatList } from '../../i18n';
import { isAdmin, useSession } from '../../session/session';
import {
  type ImportPreview,
  useAttributeDefinitions,
  useIdentityTypes,
  useImportSettings,
} from './import-api';
import {
  clashingColumns,
  describeTarget,
  hasIdentifier,
  IGNORE,
  isIdentifying,
  type Mapping,
  reportColumnIndex,
  targetGroups,
  targetLabel,
} from './mapping-targets';
import { NewTargetModal, type NewTargetKind } from './NewTargetModal';
import { SavedMappingsModal, SaveMappingModal } from './SavedMappingModals';
import { applySavedMapping, coverage, useSavedMappings } from './saved-mappings';
import { TableScroll } from '../../ui/TableScroll';

function samples(preview: ImportPreview, index: number): string[] {
  const values: string[] = [];
  for (const row of preview.rows) {
    const value = (row[index] ?? '').trim();
    if (value && !values.includes(value)) values.push(value);
    if (values.length === 3) break;
  }
  return values;
}

export function MappingStep({
  preview,
  mapping,
  onChoose,
  onApply,
  canContinue,
  onBack,
  onNext,
}: {
  preview: ImportPreview;
  mapping: Mapping;
  onChoose: (column: string, target: string) => void;
  onApply: (mapping: Mapping) => void;
  canContinue: boolean;
  onBack: () => void;
  onNext: () => void;
}) {
  const { t } = useTranslation();
  const { data: user } = useSession();
  const identityTypes = useIdentityTypes();
  const attributes = useAttributeDefinitions();
  const settings = useImportSettings();
  const groups = useMemo(
    () =>
      targetGroups(
        t,
        identityTypes.data?.data ?? [],
        attributes.data?.data ?? [],
        settings.data?.well_known_identity_types ?? [],
      ),
    [t, identityTypes.data, attributes.data, settings.data],
  );
  const known = useMemo(() => new Set(groups.flatMap((g) => g.items.map((i) => i.value))), [groups]);
  const columns = preview.header;
  const clashes = clashingColumns(columns, mapping);
  const identifiers = columns.filter((c) => isIdentifying(mapping[c] ?? IGNORE));
  const saved = useSavedMappings();
  const [saving, setSaving] = useState(false);
  const [managing, setManaging] = useState(false);
  const [creating, setCreating] = useState<{ kind: NewTargetKind; column: string } | null>(null);
  const all = saved.data?.data ?? [];
  const usable = all.filter((m) => coverage(columns, m.mapping) > 0);
  const earlier = preview.earlier_import;
  const reasons = reportColumnIndex(preview);

  return (
    <Stack gap="md">
      {earlier && (
        <Alert
          color="blue"
          role="status"
          data-testid="earlier-import"
          title={t(
            earlier.report === 'warnings'
              ? 'imports.mapping.earlierWarnings'
              : 'imports.mapping.earlierFailures',
            { file: earlier.file_name },
          )}
        >
          <Stack gap={4}>
            <Text size="sm">
              {t('imports.mapping.earlier', { when: formatDateTime(earlier.created_at) })}
            </Text>
            <Anchor component={Link} to={`/imports/${earlier.id}`} size="sm" target="_blank">
              {t('imports.mapping.earlierOpen')}
            </Anchor>
          </Stack>
        </Alert>
      )}
      {hasIdentifier(mapping) ? (
        <Alert color="green" title={t('imports.mapping.ruleOkTitle')} role="status">
          {t('imports.mapping.ruleOk', {
            columns: formatList(
              identifiers.map((c) => `${c} → ${targetLabel(mapping[c] ?? IGNORE, groups)}`),
              'values',
            ),
          })}
        </Alert>
      ) : (
        <Alert color="red" title={t('imports.mapping.ruleMissingTitle')} role="alert">
          {t('imports.mapping.ruleMissing')}
        </Alert>
      )}
      <Group justify="space-between" align="flex-end">
        <Text size="sm" c="dimmed">
          {t('imports.mapping.intro', { count: columns.length })}
        </Text>
        <Group gap="sm" align="flex-end">
          {usable.length > 0 && (
            <Select
              label={t('imports.mapping.savedLabel')}
              placeholder={t('imports.mapping.savedPlaceholder')}
              data={usable.map((m) => ({
                value: m.name,
                label: t('imports.mapping.savedOption', {
                  name: m.name,
                  count: coverage(columns, m.mapping),
                }),
              }))}
              value={null}
              onChange={(value) => {
                const chosen = usable.find((m) => m.name === value);
                if (!chosen) return;
                onApply(applySavedMapping(columns, mapping, chosen.mapping));
                notify({ message: t('imports.mapping.applied', { name: chosen.name }) });
              }}
              w={260}
            />
          )}
          <Button variant="default" onClick={() => setSaving(true)}>
            {t('imports.mapping.save')}
          </Button>
          {all.length > 0 && (
            <Button variant="subtle" onClick={() => setManaging(true)} data-testid="manage-saved-mappings">
              {t('imports.mapping.manage', { count: all.length })}
            </Button>
          )}
        </Group>
      </Group>
      <Paper withBorder>
        <TableScroll minWidth={840} label={t('imports.steps.mapping')}>
          <Table className="kith-sticky-head" aria-label={t('imports.steps.mapping')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w="22%">{t('imports.mapping.column')}</Table.Th>
                <Table.Th>{t('imports.mapping.samples')}</Table.Th>
                <Table.Th w={380}>{t('imports.mapping.target')}</Table.Th>
                {isAdmin(user) && <Table.Th w={48}>{t('imports.mapping.more')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.suggested_mapping.map((suggestion) => {
                const column = suggestion.column;
                const target = mapping[column] ?? IGNORE;
                const clash = clashes.get(column);
                const suggested =
                  suggestion.target !== null && target === suggestion.target && target !== IGNORE;
                // A target the lists do not hold (a type removed since, a saved mapping's) stays choosable.
                const data = known.has(target)
                  ? groups
                  : groups.map((group, index) =>
                      index === groups.length - 1
                        ? {
                            ...group,
                            items: [...group.items, { value: target, label: describeTarget(target, t) }],
                          }
                        : group,
                    );
                return (
                  <Table.Tr key={column} data-column={column}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {column}
                      </Text>
                      {suggestion.index === reasons && target === IGNORE ? (
                        // Kith's own column: said in the page's words (the server's are English).
                        <Text size="xs" c="dimmed">
                          {t('imports.mapping.reasonColumn')}
                        </Text>
                      ) : (
                        suggestion.warning &&
                        target === IGNORE && (
                          <Text size="xs" c="dimmed" className="kith-server-message">
                            {suggestion.warning}
                          </Text>
                        )
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c="dimmed" lineClamp={2} className="kith-samples">
                        {samples(preview, suggestion.index).join(' · ') || t('imports.mapping.noSamples')}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Select
                          aria-label={t('imports.mapping.targetFor', { column })}
                          data={data}
                          value={target}
                          onChange={(value) => onChoose(column, value ?? IGNORE)}
                          searchable
                          allowDeselect={false}
                          nothingFoundMessage={t('imports.mapping.nothingFound')}
                          error={clash ? t('imports.mapping.clash', { column: clash }) : undefined}
                          maxDropdownHeight={320}
                          w={300}
                          size="xs"
                        />
                        {suggested && (
                          <Badge
                            size="xs"
                            variant="light"
                            color="gray"
                            tt="none"
                            style={{ flexShrink: 0, minWidth: 'max-content' }}
                          >
                            {t('imports.mapping.suggested')}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    {isAdmin(user) && (
                      <Table.Td>
                        <Menu position="bottom-end" withinPortal>
                          <Menu.Target>
                            <Button
                              variant="subtle"
                              size="compact-xs"
                              aria-label={t('imports.mapping.newTargetFor', { column })}
                            >
                              +
                            </Button>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item onClick={() => setCreating({ kind: 'identity', column })}>
                              {t('imports.mapping.newIdentity')}
                            </Menu.Item>
                            <Menu.Item onClick={() => setCreating({ kind: 'attribute', column })}>
                              {t('imports.mapping.newAttribute')}
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </TableScroll>
      </Paper>
      <Group justify="space-between">
        <Button variant="default" onClick={onBack}>
          {t('common.back')}
        </Button>
        <Button onClick={onNext} disabled={!canContinue}>
          {t('imports.mapping.next')}
        </Button>
      </Group>

      {saving && <SaveMappingModal mapping={mapping} saved={all} onClose={() => setSaving(false)} />}
      {managing && <SavedMappingsModal saved={all} onClose={() => setManaging(false)} />}
      {creating && (
        <NewTargetModal
          kind={creating.kind}
          column={creating.column}
          onClose={() => setCreating(null)}
          onCreated={(target) => {
            onChoose(creating.column, target);
            setCreating(null);
          }}
        />
      )}
    </Stack>
  );
}
