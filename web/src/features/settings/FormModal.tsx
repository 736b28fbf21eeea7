/**
 * The settings dialogs that are one form: the screen's fields, then Cancel and the screen's own submit
 * button. The form checks itself (noValidate) and shows the server's refusal in the dialog.
 */
import { Alert, Button, Group, Modal, type ModalProps, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { FormProblem } from './form-problem';

export function FormModal({
  title,
  size,
  onClose,
  onSubmit,
  submit,
  children,
}: {
  title: string;
  size?: ModalProps['size'];
  onClose: () => void;
  onSubmit: () => void;
  /** The submit button, with the screen's own label, colour and state. */
  submit: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened
      onClose={onClose}
      size={size}
      title={title}
    >
      <ModalForm onSubmit={onSubmit} onCancel={onClose} submit={submit}>
        {children}
      </ModalForm>
    </Modal>
  );
}

/** The form alone, for the dialogs that show something else once it is sent (a secret, a link). */
export function ModalForm({
  onSubmit,
  onCancel,
  submit,
  children,
}: {
  onSubmit: () => void;
  onCancel: () => void;
  submit: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <Stack gap="sm">
        {children}
        <Group justify="flex-end" mt="xs">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          {submit}
        </Group>
      </Stack>
    </form>
  );
}

/** The server's refusal of the whole form (a field's own is said at the field); `children` follow it. */
export function ProblemAlert({ problem, children }: { problem: FormProblem; children?: ReactNode }) {
  if (!problem.message) return null;
  return (
    <Alert color="red" role="alert">
      {problem.message}
      {children}
    </Alert>
  );
}
