/**
 * The form that makes an account before anyone is signed in (the first administrator, an invitation):
 * the page's own fields, then the new password typed twice. The password's problems are said together
 * with the page's own before anything is sent; the server's refusals land at their fields, else above
 * the form.
 */
import { Alert, Button } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { PasswordField } from '../../ui/PasswordField';
import { errorMessage } from '../../ui/states';
import { reasonText } from '../settings/form-problem';

const MIN_PASSWORD = 8;

export type FieldErrors = Record<string, string>;

export function NewAccountForm({
  texts,
  check,
  send,
  refusal,
  submitDisabled,
  fields,
  children,
}: {
  /** Where the page's words are: the password's labels, hint and problems, the submit button. */
  texts: 'setup' | 'invite.page';
  /** The problems of the page's own fields, found before sending. */
  check?: () => FieldErrors;
  /** Sends the form with the chosen password, and moves on when the server took it. */
  send: (password: string) => Promise<void>;
  /** What the page says to a refusal of its own (a used link), else null. */
  refusal: (error: ApiError) => string | null;
  submitDisabled?: boolean;
  /** The page's fields before the password, with the problems to show at them. */
  fields: (errors: FieldErrors) => ReactNode;
  /** What is said below the submit button. */
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const problems: FieldErrors = { ...check?.() };
    if (password.length < MIN_PASSWORD)
      problems.password = t(`${texts}.passwordShort`, { count: MIN_PASSWORD });
    if (confirm !== password) problems.confirm = t(`${texts}.passwordMismatch`);
    setFieldErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      await send(password);
    } catch (e) {
      if (e instanceof ApiError) {
        const byField: FieldErrors = {};
        for (const detail of e.fieldErrors)
          byField[detail.field] = detail.reason ? reasonText(detail.reason, t) : e.message;
        setFieldErrors(byField);
        const own = refusal(e);
        if (own) setError(own);
        else if (Object.keys(byField).length === 0) setError(errorMessage(e, t));
      } else setError(errorMessage(e, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      {error && (
        <Alert color="red" mb="md" role="alert">
          {error}
        </Alert>
      )}
      {fields(fieldErrors)}
      <PasswordField
        label={t(`${texts}.password`)}
        description={t(`${texts}.passwordHint`, { count: MIN_PASSWORD })}
        autoComplete="new-password"
        required
        value={password}
        onChange={(event) => setPassword(event.currentTarget.value)}
        error={fieldErrors.password}
        mb="sm"
      />
      <PasswordField
        label={t(`${texts}.confirm`)}
        autoComplete="new-password"
        required
        value={confirm}
        onChange={(event) => setConfirm(event.currentTarget.value)}
        error={fieldErrors.confirm}
        mb="md"
      />
      <Button type="submit" fullWidth loading={busy} disabled={submitDisabled}>
        {t(`${texts}.submit`)}
      </Button>
      {children}
    </form>
  );
}
