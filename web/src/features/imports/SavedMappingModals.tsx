/**
 * Saving the wizard's mapping under a name (a taken name offers to replace that mapping) and the list
 * of saved mappings with who saved them; their creator or an admin may delete one.
 */
import { Alert, Button, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { isAdmin, useSession } from '../../session/session';
import { formatDateTime } from '../../i18n';
import { errorMessage } from '../../ui/states';
import { reasonText } from '../settings/form-problem';
import { useUsers } from './import-api';
import { savedMappingLimitText } from './import-errors';
import type { Mapping } from './mapping-targets';
import { notify } from './notify';
import { type SavedMapping, useDeleteMapping, useSaveMapping } from './saved-mappings';

/** The server's reason for refusing the name, in the user's words. */
function nameReason(error: unknown, t: TFunction): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const detail = error.fieldErrors.find((e) => e.field === 'name');
  if (!detail) return undefined;
  return detail.reason ? reasonText(detail.reason, t) : error.message;
}

export function SaveMappingModal({
  mapping,
  saved,
  onClose,
}: {
  mapping: Mapping;
  saved: SavedMapping[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const save = useSaveMapping();
  // The saved mapping of the same name (case and spacing aside), once the server said it is taken.
  const [taken, setTaken] = useState<SavedMapping | null>(null);
  const nameKey = (value: string) => value.trim().replace(/\s+/g, ' ').toLowerCase();

  const submit = (replace?: SavedMapping) => {
    const trimmed = name.trim();
    if (!trimmed) return;
    save.mutate(
      { name: trimmed, mapping, replace: replace?.id },
      {
        onSuccess: (result) => {
          notify({ color: 'green', message: t('imports.mapping.savedNotice', { name: result.name }) });
          onClose();
        },
        onError: (error) => {
          if (error instanceof ApiError && error.code === 'conflict')
            setTaken(saved.find((m) => nameKey(m.name) === nameKey(trimmed)) ?? null);
        },
      },
    );
  };
  const fieldError =
    save.error instanceof ApiError && save.error.code === 'conflict'
      ? t('imports.mapping.nameTaken', { name: taken?.name ?? name.trim() })
      : nameReason(save.error, t);
  const otherError =
    save.isError && !fieldError
      ? (savedMappingLimitText(save.error, t) ?? errorMessage(save.error, t))
      : null;

  return (
    <Modal
      opened
      onClose={onClose}
      title={t('imports.mapping.saveTitle')}
      className="kith-imports"
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          {otherError && (
            <Alert color="red" role="alert">
              <Text size="sm" className="kith-server-message">
                {otherError}
              </Text>
            </Alert>
          )}
          <TextInput
            label={t('imports.mapping.saveName')}
            description={t('imports.mapping.saveHint')}
            value={name}
            onChange={(event) => {
              setName(event.currentTarget.value);
              setTaken(null);
              save.reset();
            }}
            error={fieldError}
            maxLength={100}
            required
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            {taken && (
              <Button color="orange" onClick={() => submit(taken)} loading={save.isPending}>
                {t('imports.mapping.replace', { name: taken.name })}
              </Button>
            )}
            <Button
              type="submit"
              disabled={!name.trim() || Boolean(taken)}
              loading={save.isPending && !taken}
            >
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function SavedMappingsModal({ saved, onClose }: { saved: SavedMapping[]; onClose: () => void }) {
  const { t } = useTranslation();
  const { data: me } = useSession();
  const users = useUsers();
  const remove = useDeleteMapping();
  const [confirming, setConfirming] = useState<SavedMapping | null>(null);
  const who = (id: string | null) => {
    const user = users.data?.data.find((u) => u.id === id);
    return user ? user.name || user.email : '—';
  };
  return (
    <Modal
      opened
      onClose={onClose}
      title={t('imports.mapping.manageTitle')}
      size="lg"
      className="kith-imports"
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('imports.mapping.manageHint')}
        </Text>
        {remove.isError && (
          <Alert color="red" role="alert">
            <Text size="sm" className="kith-server-message">
              {errorMessage(remove.error, t)}
            </Text>
          </Alert>
        )}
        {saved.length === 0 ? (
          <Text size="sm">{t('imports.mapping.noneSaved')}</Text>
        ) : (
          <Table aria-label={t('imports.mapping.manageTitle')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('imports.mapping.saveName')}</Table.Th>
                <Table.Th>{t('imports.mapping.columns')}</Table.Th>
                <Table.Th>{t('imports.mapping.savedBy')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {saved.map((m) => {
                const mayDelete = isAdmin(me) || m.created_by === me?.id;
                return (
                  <Table.Tr key={m.id} data-testid={`saved-mapping-${m.name}`}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {m.name}
                      </Text>
                    </Table.Td>
                    <Table.Td>{Object.keys(m.mapping).length}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{who(m.created_by)}</Text>
                      <Text size="xs" c="dimmed">
                        {formatDateTime(m.updated_at)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {mayDelete &&
                        (confirming?.id === m.id ? (
                          <Group gap={4} wrap="nowrap">
                            <Button
                              size="compact-xs"
                              color="red"
                              loading={remove.isPending}
                              onClick={() =>
                                remove.mutate(m.id, {
                                  onSuccess: () => {
                                    setConfirming(null);
                                    notify({
                                      color: 'green',
                                      message: t('imports.mapping.deletedNotice', { name: m.name }),
                                    });
                                  },
                                })
                              }
                            >
                              {t('imports.mapping.confirmDelete')}
                            </Button>
                            <Button size="compact-xs" variant="default" onClick={() => setConfirming(null)}>
                              {t('common.cancel')}
                            </Button>
                          </Group>
                        ) : (
                          <Button
                            size="compact-xs"
                            variant="subtle"
                            color="red"
                            aria-label={t('imports.mapping.deleteNamed', { name: m.name })}
                            onClick={() => setConfirming(m)}
                          >
                            {t('common.delete')}
                          </Button>
                        ))}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.close')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
