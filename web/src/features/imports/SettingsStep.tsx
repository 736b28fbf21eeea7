/**
 * Step 4: what happens to every imported customer — tags, a group (existing or new), an initial source,
 * source detail and campaign for the whole file with the source policy,
 * rows of the file that share a key, and the region for phones without a country code.
 */
import {
  Alert,
  Autocomplete,
  Button,
  Checkbox,
  Group,
  Paper,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatList } from '../../i18n';
import { useGroups, useTags } from './import-api';
import { type Mapping, SOURCE_TARGETS } from './mapping-targets';
import { regionOptions } from './regions';
import { type EarlierImport, SOURCE_VALUE_SETTINGS, type WizardSettings } from './wizard-state';

export function SettingsStep({
  settings,
  earlier,
  mapping,
  onChange,
  onBack,
  onNext,
}: {
  settings: WizardSettings;
  /** The import whose failure file this is: its settings were filled in. */
  earlier?: EarlierImport | null;
  mapping: Mapping;
  onChange: (next: Partial<WizardSettings>) => void;
  onBack: () => void;
  onNext: () => void;
}) {
  const { t, i18n } = useTranslation();
  const groups = useGroups();
  const tags = useTags();
  const groupNames = (groups.data?.data ?? []).map((g) => g.name);
  const newGroup =
    settings.group.trim() !== '' &&
    !groupNames.some((n) => n.toLowerCase() === settings.group.trim().toLowerCase());
  const sourceColumns = Object.entries(mapping)
    .filter(([, target]) => SOURCE_TARGETS.includes(target))
    .map(([column, target]) => `${column} → ${t(`fields.${target}`)}`);
  const typed = SOURCE_VALUE_SETTINGS.some((field) => settings[field].trim() !== '');
  const columns = formatList(sourceColumns, 'values');
  // Where the source fields' values come from, which the policy then applies.
  const sourceNote =
    typed && sourceColumns.length > 0
      ? t('imports.settings.sourceFromBoth', { columns })
      : typed
        ? t('imports.settings.sourceFromValues')
        : sourceColumns.length > 0
          ? t('imports.settings.sourceColumns', { columns })
          : t('imports.settings.noSourceColumns');

  return (
    <Stack gap="md" maw={960}>
      {earlier && (
        <Alert color="blue" role="status" data-testid="earlier-settings">
          {t('imports.settings.earlier', {
            file: earlier.file_name,
            when: formatDateTime(earlier.created_at),
          })}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Paper withBorder p="md">
          <Title order={2} size="h5" mb="sm">
            {t('imports.settings.everyone')}
          </Title>
          <Stack gap="sm">
            <TagsInput
              label={t('imports.settings.tags')}
              description={t('imports.settings.tagsHint')}
              data={(tags.data?.data ?? []).map((tag) => tag.name)}
              value={settings.tags}
              onChange={(value) => onChange({ tags: value })}
              clearable
              splitChars={[',', '，', ';']}
            />
            <Autocomplete
              label={t('imports.settings.group')}
              description={
                newGroup
                  ? t('imports.settings.groupNew', { name: settings.group.trim() })
                  : t('imports.settings.groupHint')
              }
              placeholder={t('imports.settings.groupPlaceholder')}
              data={groupNames}
              value={settings.group}
              onChange={(value) => onChange({ group: value })}
              clearable
            />
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} size="h5" mb="sm">
            {t('imports.settings.phones')}
          </Title>
          <Select
            label={t('imports.settings.region')}
            description={t('imports.settings.regionHint')}
            data={regionOptions(i18n.language, [settings.region])}
            value={settings.region || null}
            onChange={(value) => value && onChange({ region: value })}
            searchable
            allowDeselect={false}
            nothingFoundMessage={t('imports.mapping.nothingFound')}
          />
        </Paper>
        <Paper withBorder p="md" data-testid="source-settings">
          <Title order={2} size="h5" mb={4}>
            {t('imports.settings.sourcePolicy')}
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            {t('imports.settings.sourceValuesHint')}
          </Text>
          <Stack gap="sm">
            {SOURCE_VALUE_SETTINGS.map((field) => (
              <TextInput
                key={field}
                label={t(`fields.${field}`)}
                placeholder={t(`imports.settings.sourcePlaceholder.${field}`)}
                value={settings[field]}
                maxLength={1000}
                onChange={(event) => onChange({ [field]: event.currentTarget.value })}
              />
            ))}
            <Radio.Group
              label={t('imports.settings.sourceWho')}
              description={sourceNote}
              value={settings.source_policy}
              onChange={(value) => onChange({ source_policy: value as WizardSettings['source_policy'] })}
            >
              <Stack gap="xs" mt="xs">
                <Radio
                  value="new-only"
                  label={t('imports.settings.newOnly')}
                  description={t('imports.settings.newOnlyHint')}
                />
                <Radio
                  value="all"
                  label={t('imports.settings.all')}
                  description={t('imports.settings.allHint')}
                />
              </Stack>
            </Radio.Group>
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Radio.Group
            label={t('imports.settings.duplicates')}
            description={t('imports.settings.duplicatesHint')}
            value={settings.on_file_duplicate}
            onChange={(value) =>
              onChange({ on_file_duplicate: value as WizardSettings['on_file_duplicate'] })
            }
          >
            <Stack gap="xs" mt="xs">
              <Radio
                value="reject"
                label={t('imports.settings.reject')}
                description={t('imports.settings.rejectHint')}
              />
              <Radio
                value="last"
                label={t('imports.settings.last')}
                description={t('imports.settings.lastHint')}
              />
            </Stack>
          </Radio.Group>
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} size="h5" mb="sm">
            {t('imports.settings.automation')}
          </Title>
          <Checkbox
            label={t('imports.settings.runAutomationRules')}
            description={t('imports.settings.runAutomationRulesHint')}
            checked={settings.run_automation_rules}
            onChange={(event) => onChange({ run_automation_rules: event.currentTarget.checked })}
          />
        </Paper>
      </SimpleGrid>
      <Text size="sm" c="dimmed">
        {t('imports.settings.next')}
      </Text>
      <Group justify="space-between">
        <Button variant="default" onClick={onBack}>
          {t('common.back')}
        </Button>
        <Button onClick={onNext}>{t('imports.settings.check')}</Button>
      </Group>
    </Stack>
  );
}
