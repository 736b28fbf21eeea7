/**
 * Defines an identity type or a custom attribute without leaving the mapping (admin): the new target
 * is then chosen for the column it was made for.
 */
import { Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { suggestKey } from '../../ui/suggested-key';
import { formProblem } from '../settings/form-problem';
import { ImportErrorAlert } from './ImportErrorAlert';

export type NewTargetKind = 'identity' | 'attribute';
const ATTRIBUTE_TYPES = ['text', 'number', 'boolean', 'date', 'list'] as const;

export function NewTargetModal({
  kind,
  column,
  onClose,
  onCreated,
}: {
  kind: NewTargetKind;
  column: string;
  onClose: () => void;
  onCreated: (target: string) => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [key, setKey] = useState(() => suggestKey(column));
  const [label, setLabel] = useState(column);
  const [type, setType] = useState<(typeof ATTRIBUTE_TYPES)[number]>('text');
  const create = useMutation({
    mutationFn: async () => {
      if (kind === 'identity') {
        const created = await unwrap(
          api.POST('/api/identity-types', { body: { key: key.trim(), label: label.trim() || null } }),
        );
        await client.invalidateQueries({ queryKey: ['identity-types'] });
        return `identity.${created.key}`;
      }
      const created = await unwrap(
        api.POST('/api/attributes', { body: { key: key.trim(), label: label.trim() || null, type } }),
      );
      await client.invalidateQueries({ queryKey: ['attributes'] });
      return `attr.${created.key}`;
    },
    onSuccess: (target) => onCreated(target),
  });
  const keyOk = /^[a-z][a-z0-9_]{0,62}$/.test(key.trim());
  // A key already taken, or refused, is said on the key field as Settings says it.
  const fieldError = create.isError ? formProblem(create.error, t).fields.key : undefined;

  return (
    <Modal
      opened
      className="kith-imports"
      closeButtonProps={{ 'aria-label': t('common.close') }}
      onClose={onClose}
      title={t(kind === 'identity' ? 'imports.newTarget.identityTitle' : 'imports.newTarget.attributeTitle', {
        column,
      })}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (keyOk) create.mutate();
        }}
      >
        <Stack gap="sm">
          <TextInput
            label={t('imports.newTarget.key')}
            description={t('imports.newTarget.keyHint')}
            value={key}
            onChange={(event) => setKey(event.currentTarget.value)}
            error={key && !keyOk ? t('imports.newTarget.keyInvalid') : fieldError}
            required
            data-autofocus
          />
          <TextInput
            label={t('imports.newTarget.label')}
            value={label}
            onChange={(event) => setLabel(event.currentTarget.value)}
          />
          {kind === 'attribute' && (
            <Select
              label={t('imports.newTarget.type')}
              data={ATTRIBUTE_TYPES.map((value) => ({ value, label: t(`imports.newTarget.types.${value}`) }))}
              value={type}
              onChange={(value) => value && setType(value as (typeof ATTRIBUTE_TYPES)[number])}
              allowDeselect={false}
            />
          )}
          {create.isError && !fieldError && <ImportErrorAlert error={create.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!keyOk}>
              {t(kind === 'identity' ? 'settings.identityTypes.create' : 'settings.attributes.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
