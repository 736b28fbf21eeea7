/**
 * 标签与群组 (admin): tags with their customer counts (each a link to its customers), renamed, merged
 * into another tag or deleted; static groups with their member counts, created, renamed or deleted.
 */
import { SimpleGrid } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../ui/PageHeader';
import { GroupsSection } from './GroupsSection';
import { TagsSection } from './TagsSection';

export function TagsGroupsSettings() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('settings.tags.pageTitle')} description={t('settings.tags.pageDescription')} />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <TagsSection />
        <GroupsSection />
      </SimpleGrid>
    </>
  );
}
