/**
 * A destructive action's confirmation: the dialog says exactly what will happen, the confirm button
 * names the action, and a refusal from the server is shown in the dialog (with a link to the customer
 * it names, when it names one).
 */
import { Alert, Anchor, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formProblem, problemText } from './form-problem';

export function ConfirmModal({
  title,
  children,
  confirmLabel,
  onConfirm,
  onDone,
  onClose,
  color = 'red',
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  onDone?: () => void;
  onClose: () => void;
  color?: string;
}) {
  const { t } = useTranslation();
  const action = useMutation({
    mutationFn: onConfirm,
    onSuccess: () => {
      onDone?.();
      onClose();
    },
  });
  const problem = action.isError ? formProblem(action.error, t) : null;
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened
      onClose={onClose}
      title={title}
      size="md"
    >
      <Stack gap="sm">
        <Text size="sm" component="div">
          {children}
        </Text>
        {problem && (
          <Alert color="red" role="alert" title={t('settings.refused')}>
            <Text size="sm">{problemText(problem, t)}</Text>
            {problem.existingId && (
              <Anchor component={Link} to={`/customers/${problem.existingId}`} size="sm">
                {t('settings.openCustomer', { id: problem.existingId })}
              </Anchor>
            )}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={action.isPending}>
            {t('common.cancel')}
          </Button>
          <Button color={color} onClick={() => action.mutate()} loading={action.isPending} data-autofocus>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
