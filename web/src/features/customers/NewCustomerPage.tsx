/**
 * A new customer by hand. Before creating, Kith scores the record against existing customers: likely
 * duplicates are shown with links, to open instead or to create anyway (the on-create policy may
 * refuse, in which case the server says so) — unless one of them already holds an e-mail, phone or
 * identity of the form, which no customer can share.
 */
import { Alert, Anchor, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatList } from '../../i18n';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { identityTypeLabel } from '../../ui/identity-type-label';
import { PageHeader } from '../../ui/PageHeader';
import { ContactFieldsForm } from './ContactFieldsForm';
import { contactPatch, formStateOf } from './contact-form';
import { useAttributeDefinitions, useIdentityTypes } from './customer-queries';
import { displayName } from './customer-format';
import { OwnerAlert } from './OwnerAlert';
import { type SaveProblem, saveProblem } from './save-errors';

interface Candidate {
  contact_id: string;
  score: number;
  band: string;
  /** The form's unique keys this customer already holds: creating would be refused. */
  held_keys: string[];
}

export default function NewCustomerPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const identityTypes = useIdentityTypes();
  const attributes = useAttributeDefinitions();
  const [empty] = useState(() => formStateOf(null));
  const [state, setState] = useState(empty);
  const [problem, setProblem] = useState<SaveProblem | null>(null);
  const [candidates, setCandidates] = useState<Candidate[] | null>(null);
  const [busy, setBusy] = useState(false);
  const body = contactPatch(empty, state);
  // Creating anyway cannot succeed while another customer holds one of the form's e-mails, phones or
  // identities; the only ways on are to open that customer or change the value.
  const keyHeld = candidates?.some((candidate) => candidate.held_keys.length > 0) ?? false;
  const keyName = (key: string) => {
    if (!key.startsWith('identity.')) return t(`fields.${key}`);
    const type = identityTypes.data?.data.find((x) => x.key === key.slice('identity.'.length));
    return type ? identityTypeLabel(type, t) : key.slice('identity.'.length);
  };

  const candidateContacts = useQueries({
    queries: (candidates ?? []).slice(0, 5).map((candidate) => ({
      queryKey: ['contact', candidate.contact_id],
      queryFn: () =>
        unwrap(api.GET('/api/contacts/{id}', { params: { path: { id: candidate.contact_id } } })),
    })),
  });

  async function create(skipCheck: boolean) {
    setBusy(true);
    setProblem(null);
    try {
      if (!skipCheck) {
        const check = await unwrap(api.POST('/api/contacts/duplicates/check', { body }));
        if (check.candidates.length > 0) {
          setCandidates(check.candidates);
          return;
        }
      }
      const created = await unwrap(api.POST('/api/contacts', { body }));
      void client.invalidateQueries({ queryKey: ['contacts'] });
      void navigate(`/customers/${created.id}`);
    } catch (error) {
      setCandidates(null);
      setProblem(saveProblem(error, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageHeader title={t('customer.newTitle')} description={t('customer.newHint')} />
      <Paper withBorder p="md" maw={960}>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void create(false);
          }}
        >
          {problem?.message && (
            <Alert color="red" mb="sm" role="alert">
              {problem.message}
            </Alert>
          )}
          {problem?.ownerId && <OwnerAlert ownerId={problem.ownerId} />}
          <ContactFieldsForm
            state={state}
            onChange={(next) => {
              setState(next);
              setCandidates(null);
            }}
            errors={problem?.fields ?? {}}
            identityTypes={identityTypes.data?.data ?? []}
            attributes={attributes.data?.data ?? []}
          />
          {candidates && (
            <Alert color="yellow" mt="md" title={t('customer.likelyDuplicates')} role="alert">
              <Stack gap={4}>
                {candidates.slice(0, 5).map((candidate, index) => {
                  const contact = candidateContacts[index]?.data;
                  return (
                    <Group key={candidate.contact_id} gap="xs">
                      <Anchor component={Link} to={`/customers/${candidate.contact_id}`}>
                        {contact ? displayName(contact) : candidate.contact_id}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {candidate.held_keys.length > 0
                          ? t('customer.holdsKeys', { keys: formatList(candidate.held_keys.map(keyName)) })
                          : t('customer.matchScore', { score: Math.round(candidate.score * 100) })}
                      </Text>
                    </Group>
                  );
                })}
              </Stack>
              {keyHeld ? (
                <Text size="sm" mt="sm">
                  {t('customer.keyHeldHint')}
                </Text>
              ) : (
                <Group mt="sm">
                  <Button color="yellow" variant="filled" onClick={() => void create(true)} loading={busy}>
                    {t('customer.createAnyway')}
                  </Button>
                </Group>
              )}
            </Alert>
          )}
          <Group justify="flex-end" mt="md">
            <Button variant="default" component={Link} to="/customers">
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={busy && !candidates} disabled={Object.keys(body).length === 0}>
              {t('customer.create')}
            </Button>
          </Group>
        </form>
      </Paper>
    </>
  );
}
