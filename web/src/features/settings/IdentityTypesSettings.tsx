/**
 * 身份类型 (admin): the kinds of ids customers carry from other systems (WeChat OpenID, member number
 * …). Create one, change its label, delete one no customer uses (the server names a customer that
 * still does).
 */
import { Anchor, Button, Paper, Table, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Schemas, unwrap } from '../../api/client';
import { suggestKey } from '../../ui/suggested-key';
import { formatDateTime } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState } from '../../ui/states';
import { QueryStates } from '../../ui/QueryStates';
import { useIdentityTypes } from '../customers/customer-queries';
import { ConfirmModal } from './ConfirmModal';
import { ActionsHeader, EditDeleteButtons } from './RowActions';
import { FormModal, ProblemAlert } from './FormModal';
import { type FormProblem, formProblem, NO_PROBLEM } from './form-problem';
import { notify, notifyDeleted } from './notify';
import { useRowDialogs } from './row-dialogs';
import { identityTypeLabel } from '../../ui/identity-type-label';

type IdentityType = Schemas['IdentityType'];

export function IdentityTypesSettings() {
  const { t } = useTranslation();
  const types = useIdentityTypes();
  const { editing, setEditing, deleting, setDeleting, refresh } = useRowDialogs<IdentityType>([
    'identity-types',
  ]);
  const newButton = <Button onClick={() => setEditing('new')}>{t('settings.identityTypes.new')}</Button>;

  return (
    <>
      <PageHeader
        title={t('settings.identityTypes.title')}
        description={t('settings.identityTypes.description')}
        actions={newButton}
      />
      <Paper withBorder>
        <QueryStates
          query={types}
          rows={4}
          isEmpty={(page) => page.data.length === 0}
          empty={
            <EmptyState
              title={t('settings.identityTypes.emptyTitle')}
              description={t('settings.identityTypes.empty')}
              action={newButton}
            />
          }
        >
          {(page) => (
            <Table className="kith-sticky-head" aria-label={t('settings.identityTypes.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('settings.identityTypes.label')}</Table.Th>
                  <Table.Th>{t('settings.identityTypes.key')}</Table.Th>
                  <Table.Th>{t('settings.identityTypes.kind')}</Table.Th>
                  <Table.Th>{t('settings.tokens.created')}</Table.Th>
                  <ActionsHeader w={150} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.data.map((type) => (
                  <Table.Tr key={type.key}>
                    <Table.Td fw={500}>{identityTypeLabel(type, t)}</Table.Td>
                    <Table.Td className="kith-mono">{type.key}</Table.Td>
                    <Table.Td>
                      <Text size="sm" c={type.builtin ? 'dimmed' : undefined}>
                        {type.builtin
                          ? t('settings.identityTypes.builtin')
                          : t('settings.identityTypes.custom')}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm" c="dimmed">
                        {formatDateTime(type.created_at)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <EditDeleteButtons
                        name={identityTypeLabel(type, t)}
                        onEdit={() => setEditing(type)}
                        onDelete={!type.builtin ? () => setDeleting(type) : undefined}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </QueryStates>
      </Paper>
      {editing && (
        <IdentityTypeModal
          type={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={refresh}
        />
      )}
      {deleting && (
        <ConfirmModal
          title={t('settings.identityTypes.deleteTitle', { name: identityTypeLabel(deleting, t) })}
          confirmLabel={t('common.delete')}
          onClose={() => setDeleting(null)}
          onConfirm={() =>
            unwrap(api.DELETE('/api/identity-types/{key}', { params: { path: { key: deleting.key } } }))
          }
          onDone={() => {
            refresh();
            notifyDeleted(identityTypeLabel(deleting, t));
          }}
        >
          {t('settings.identityTypes.deleteBody', { key: deleting.key })}
        </ConfirmModal>
      )}
    </>
  );
}

function IdentityTypeModal({
  type,
  onClose,
  onSaved,
}: {
  type: IdentityType | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [label, setLabel] = useState(type?.label ?? '');
  // The key follows the display name until the person types one of their own.
  const [typedKey, setTypedKey] = useState<string | null>(null);
  const key = typedKey ?? suggestKey(label);
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  const save = useMutation({
    mutationFn: () =>
      type
        ? unwrap(
            api.PATCH('/api/identity-types/{key}', {
              params: { path: { key: type.key } },
              body: { label: label.trim() || null },
            }),
          )
        : unwrap(api.POST('/api/identity-types', { body: { key: key.trim(), label: label.trim() || null } })),
    onSuccess: (saved) => {
      onSaved();
      notify({ color: 'green', message: t('settings.savedNamed', { name: identityTypeLabel(saved, t) }) });
      onClose();
    },
    onError: (error) => setProblem(formProblem(error, t)),
  });
  return (
    <FormModal
      title={
        type
          ? t('settings.identityTypes.editTitle', { name: identityTypeLabel(type, t) })
          : t('settings.identityTypes.newTitle')
      }
      onClose={onClose}
      onSubmit={() => save.mutate()}
      submit={
        <Button type="submit" loading={save.isPending}>
          {type ? t('common.save') : t('settings.identityTypes.create')}
        </Button>
      }
    >
      <ProblemAlert problem={problem}>
        {problem.existingId && (
          <Anchor component={Link} to={`/customers/${problem.existingId}`} ml={6} size="sm">
            {t('settings.openCustomer', { id: problem.existingId })}
          </Anchor>
        )}
      </ProblemAlert>
      <TextInput
        label={t('settings.identityTypes.label')}
        description={t('settings.identityTypes.labelHint')}
        placeholder={t('settings.identityTypes.labelPlaceholder')}
        data-autofocus
        value={label}
        onChange={(event) => setLabel(event.currentTarget.value)}
        error={problem.fields.label}
      />
      {type ? (
        <Text size="sm">
          {t('settings.identityTypes.key')}: <span className="kith-mono">{type.key}</span>
        </Text>
      ) : (
        <TextInput
          label={t('settings.identityTypes.key')}
          description={t('settings.keyHint')}
          placeholder="wechat_openid"
          required
          value={key}
          onChange={(event) => setTypedKey(event.currentTarget.value)}
          error={problem.fields.key}
          className="kith-mono-input"
        />
      )}
    </FormModal>
  );
}
