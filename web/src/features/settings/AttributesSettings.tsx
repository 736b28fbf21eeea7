/**
 * 客户属性 (admin): custom attributes customers carry (typed text, number, yes/no, date or a list of
 * options; imports may create them too). Create one, change its label, description and options,
 * delete one no customer has a value for (the server names a customer that still does).
 */
import {
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  Table,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Schemas, unwrap } from '../../api/client';
import { suggestKey } from '../../ui/suggested-key';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState } from '../../ui/states';
import { QueryStates } from '../../ui/QueryStates';
import { useAttributeDefinitions } from '../customers/customer-queries';
import { ConfirmModal } from './ConfirmModal';
import { ActionsHeader, EditDeleteButtons } from './RowActions';
import { FormModal, ProblemAlert } from './FormModal';
import { type FormProblem, formProblem, NO_PROBLEM } from './form-problem';
import { notify, notifyDeleted } from './notify';
import { useRowDialogs } from './row-dialogs';
import { TableScroll } from '../../ui/TableScroll';

type Attribute = Schemas['AttributeDefinition'];
type AttributeType = Attribute['type'];
const TYPES: AttributeType[] = ['text', 'number', 'boolean', 'date', 'list'];

export function AttributesSettings() {
  const { t } = useTranslation();
  const attributes = useAttributeDefinitions();
  const { editing, setEditing, deleting, setDeleting, refresh } = useRowDialogs<Attribute>(['attributes']);
  const newButton = <Button onClick={() => setEditing('new')}>{t('settings.attributes.new')}</Button>;

  return (
    <>
      <PageHeader
        title={t('settings.attributes.title')}
        description={t('settings.attributes.description')}
        actions={newButton}
      />
      <Paper withBorder>
        <QueryStates
          query={attributes}
          rows={4}
          isEmpty={(page) => page.data.length === 0}
          empty={
            <EmptyState
              title={t('settings.attributes.emptyTitle')}
              description={t('settings.attributes.empty')}
              action={newButton}
            />
          }
        >
          {(page) => (
            <TableScroll minWidth={760} label={t('settings.attributes.title')}>
              <Table className="kith-sticky-head" aria-label={t('settings.attributes.title')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('settings.identityTypes.label')}</Table.Th>
                    <Table.Th>{t('settings.identityTypes.key')}</Table.Th>
                    <Table.Th>{t('settings.attributes.type')}</Table.Th>
                    <Table.Th>{t('settings.attributes.options')}</Table.Th>
                    <Table.Th>{t('settings.attributes.descriptionField')}</Table.Th>
                    <ActionsHeader w={150} />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {page.data.map((attribute) => (
                    <Table.Tr key={attribute.key}>
                      <Table.Td fw={500}>{attribute.label}</Table.Td>
                      <Table.Td className="kith-mono">{attribute.key}</Table.Td>
                      <Table.Td>{t(`settings.attributes.types.${attribute.type}`)}</Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {(attribute.options ?? []).map((option) => (
                            <Badge key={option} variant="default" tt="none" size="sm">
                              {option}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed" lineClamp={2}>
                          {attribute.description}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <EditDeleteButtons
                          name={attribute.label}
                          onEdit={() => setEditing(attribute)}
                          onDelete={() => setDeleting(attribute)}
                        />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          )}
        </QueryStates>
      </Paper>
      {editing && (
        <AttributeModal
          attribute={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={refresh}
        />
      )}
      {deleting && (
        <ConfirmModal
          title={t('settings.attributes.deleteTitle', { name: deleting.label })}
          confirmLabel={t('common.delete')}
          onClose={() => setDeleting(null)}
          onConfirm={() =>
            unwrap(api.DELETE('/api/attributes/{key}', { params: { path: { key: deleting.key } } }))
          }
          onDone={() => {
            refresh();
            notifyDeleted(deleting.label);
          }}
        >
          {t('settings.attributes.deleteBody', { key: deleting.key })}
        </ConfirmModal>
      )}
    </>
  );
}

function AttributeModal({
  attribute,
  onClose,
  onSaved,
}: {
  attribute: Attribute | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [label, setLabel] = useState(attribute?.label ?? '');
  // The key follows the display name until the person types one of their own.
  const [typedKey, setTypedKey] = useState<string | null>(null);
  const key = typedKey ?? suggestKey(label);
  const [type, setType] = useState<AttributeType>(attribute?.type ?? 'text');
  const [options, setOptions] = useState<string[]>(attribute?.options ?? []);
  const [description, setDescription] = useState(attribute?.description ?? '');
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  const save = useMutation({
    mutationFn: () => {
      const common = {
        label: label.trim() || null,
        description: description.trim() || null,
        ...(type === 'list' ? { options } : {}),
      };
      return attribute
        ? unwrap(
            api.PATCH('/api/attributes/{key}', { params: { path: { key: attribute.key } }, body: common }),
          )
        : unwrap(api.POST('/api/attributes', { body: { key: key.trim(), type, ...common } }));
    },
    onSuccess: (saved) => {
      onSaved();
      notify({ color: 'green', message: t('settings.savedNamed', { name: saved.label }) });
      onClose();
    },
    onError: (error) => setProblem(formProblem(error, t)),
  });
  return (
    <FormModal
      size="lg"
      title={
        attribute
          ? t('settings.attributes.editTitle', { name: attribute.label })
          : t('settings.attributes.newTitle')
      }
      onClose={onClose}
      onSubmit={() => save.mutate()}
      submit={
        <Button type="submit" loading={save.isPending}>
          {attribute ? t('common.save') : t('settings.attributes.create')}
        </Button>
      }
    >
      <ProblemAlert problem={problem} />
      <TextInput
        label={t('settings.identityTypes.label')}
        placeholder={t('settings.attributes.labelPlaceholder')}
        data-autofocus
        value={label}
        onChange={(event) => setLabel(event.currentTarget.value)}
        error={problem.fields.label}
      />
      {attribute ? (
        <Text size="sm">
          {t('settings.identityTypes.key')}: <span className="kith-mono">{attribute.key}</span> ·{' '}
          {t('settings.attributes.type')}: {t(`settings.attributes.types.${attribute.type}`)}
        </Text>
      ) : (
        <Group grow align="flex-start">
          <TextInput
            label={t('settings.identityTypes.key')}
            description={t('settings.keyHint')}
            placeholder="member_level"
            required
            value={key}
            onChange={(event) => setTypedKey(event.currentTarget.value)}
            error={problem.fields.key}
            className="kith-mono-input"
          />
          <Select
            label={t('settings.attributes.type')}
            description={t('settings.attributes.typeHint')}
            value={type}
            allowDeselect={false}
            onChange={(value) => setType((value as AttributeType) ?? 'text')}
            error={problem.fields.type}
            data={TYPES.map((value) => ({ value, label: t(`settings.attributes.types.${value}`) }))}
          />
        </Group>
      )}
      {type === 'list' && (
        <div>
          <TagsInput
            label={t('settings.attributes.options')}
            description={t('settings.attributes.optionsHint')}
            value={options}
            onChange={setOptions}
            error={problem.fields.options}
            clearable={false}
          />
          {problem.existingId && (
            <Anchor component={Link} to={`/customers/${problem.existingId}`} size="xs">
              {t('settings.openCustomer', { id: problem.existingId })}
            </Anchor>
          )}
        </div>
      )}
      <Textarea
        label={t('settings.attributes.descriptionField')}
        autosize
        minRows={2}
        value={description}
        onChange={(event) => setDescription(event.currentTarget.value)}
        error={problem.fields.description}
      />
    </FormModal>
  );
}
