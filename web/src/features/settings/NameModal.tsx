/** Create or rename something that has just a name (an inbox, a team): the server's refusal on the field. */
import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formProblem } from './form-problem';

export function NameModal({
  title,
  label,
  initial = '',
  submitLabel,
  onSubmit,
  onDone,
  onClose,
  children,
}: {
  title: string;
  label: string;
  initial?: string;
  submitLabel: string;
  onSubmit: (name: string) => Promise<unknown>;
  onDone: (name: string) => void;
  onClose: () => void;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(initial);
  const save = useMutation({
    mutationFn: () => onSubmit(name),
    onSuccess: () => {
      onDone(name.trim());
      onClose();
    },
  });
  const problem = save.isError ? formProblem(save.error, t) : null;
  return (
    <Modal opened onClose={onClose} title={title} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <TextInput
            label={label}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={problem ? (problem.fields.name ?? problem.message) : undefined}
            data-autofocus
            required
          />
          {children}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
