/**
 * The customer's fields as a form: every standard field, other emails and phones (one per line),
 * identities and typed custom attributes. Server validation errors land on the field they name.
 */
import { Checkbox, Select, SimpleGrid, Textarea, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../../api/client';
import type { ContactFormState, ListField, TextField } from './contact-form';
import { localizeIdentityTypes } from '../../ui/identity-type-label';
import { DateField } from '../../ui/DateField';

export type FieldErrors = Record<string, string>;

const LAYOUT: TextField[][] = [
  ['name', 'first_name', 'last_name'],
  ['email', 'phone', 'gender', 'birthday'],
  ['company', 'country', 'province', 'city'],
  ['address', 'postcode'],
  ['initial_source', 'initial_source_detail', 'campaign'],
];

export function ContactFieldsForm({
  state,
  onChange,
  errors,
  identityTypes,
  attributes,
}: {
  state: ContactFormState;
  onChange: (state: ContactFormState) => void;
  errors: FieldErrors;
  identityTypes: Schemas['IdentityType'][];
  attributes: Schemas['AttributeDefinition'][];
}) {
  const { t, i18n } = useTranslation();
  // A Chinese name is written family name (姓) first: so are its fields.
  const layout = i18n.language.startsWith('zh')
    ? [['name', 'last_name', 'first_name'] as TextField[], ...LAYOUT.slice(1)]
    : LAYOUT;
  const setText = (field: TextField, value: string) =>
    onChange({ ...state, text: { ...state.text, [field]: value } });
  const setList = (field: ListField, value: string) =>
    onChange({ ...state, lists: { ...state.lists, [field]: value } });

  const textInput = (field: TextField) => {
    if (field === 'gender')
      return (
        <Select
          key={field}
          label={t('fields.gender')}
          clearable
          data={(['male', 'female', 'other'] as const).map((value) => ({
            value,
            label: t(`gender.${value}`),
          }))}
          value={state.text.gender || null}
          onChange={(value) => setText('gender', value ?? '')}
          error={errors.gender}
        />
      );
    if (field === 'birthday')
      return (
        <DateField
          key={field}
          label={t('fields.birthday')}
          value={state.text.birthday}
          onChange={(date) => setText('birthday', date)}
          error={errors.birthday}
        />
      );
    return (
      <TextInput
        key={field}
        label={t(`fields.${field}`)}
        type={field === 'email' ? 'email' : 'text'}
        value={state.text[field]}
        onChange={(event) => setText(field, event.currentTarget.value)}
        error={errors[field]}
      />
    );
  };

  return (
    <>
      {layout.map((row, index) => (
        <SimpleGrid key={index} cols={{ base: 1, sm: row.length }} spacing="sm" mb="sm">
          {row.map(textInput)}
        </SimpleGrid>
      ))}
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" mb="sm">
        {(['additional_emails', 'additional_phones'] as const).map((field) => (
          <Textarea
            key={field}
            label={t(`fields.${field}`)}
            description={t('customer.onePerLine')}
            autosize
            minRows={2}
            value={state.lists[field]}
            onChange={(event) => setList(field, event.currentTarget.value)}
            error={errors[field]}
          />
        ))}
      </SimpleGrid>
      {identityTypes.length > 0 && (
        <>
          <Title order={3} size="h5" mt="md" mb="xs">
            {t('fields.identities')}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm" mb="sm">
            {localizeIdentityTypes(identityTypes, t).map((type) => (
              <TextInput
                key={type.key}
                label={type.label}
                value={state.identities[type.key] ?? ''}
                onChange={(event) =>
                  onChange({
                    ...state,
                    identities: { ...state.identities, [type.key]: event.currentTarget.value },
                  })
                }
                error={errors[`identities.${type.key}`] ?? errors[type.key]}
              />
            ))}
          </SimpleGrid>
        </>
      )}
      {attributes.length > 0 && (
        <>
          <Title order={3} size="h5" mt="md" mb="xs">
            {t('fields.attributes')}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            {attributes.map((definition) => {
              const value = state.attributes[definition.key] ?? '';
              const set = (next: string) =>
                onChange({ ...state, attributes: { ...state.attributes, [definition.key]: next } });
              const error = errors[`attributes.${definition.key}`] ?? errors[`attr.${definition.key}`];
              const label = definition.label || definition.key;
              if (definition.type === 'boolean')
                return (
                  <Checkbox
                    key={definition.key}
                    mt="lg"
                    label={label}
                    checked={value === 'true'}
                    onChange={(event) => set(event.currentTarget.checked ? 'true' : 'false')}
                    error={error}
                  />
                );
              if (definition.type === 'list' && definition.options)
                return (
                  <Select
                    key={definition.key}
                    label={label}
                    clearable
                    data={definition.options}
                    value={value || null}
                    onChange={(next) => set(next ?? '')}
                    error={error}
                  />
                );
              return (
                <TextInput
                  key={definition.key}
                  label={label}
                  type={
                    definition.type === 'date' ? 'date' : definition.type === 'number' ? 'number' : 'text'
                  }
                  value={value}
                  onChange={(event) => set(event.currentTarget.value)}
                  error={error}
                />
              );
            })}
          </SimpleGrid>
        </>
      )}
    </>
  );
}
