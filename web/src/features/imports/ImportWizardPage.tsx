/**
 * `/imports/new?step=upload|preview|mapping|settings|check`: the import wizard. The step lives in the
 * URL (Back and Forward move between steps); the chosen file lives in memory only, so a reload or a
 * shared link past the first step comes back to the upload step and says why. The run itself happens
 * at `/imports/:id`.
 */
import { Alert, Stepper } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { RequireAdmin } from '../../session/RequireSession';
import { PageHeader } from '../../ui/PageHeader';
import { CheckStep } from './CheckStep';
import { ImportModeSwitch } from './ImportModeSwitch';
import { discardUpload, previewFile, previewUpload, type ReadOptions, useImportSettings } from './import-api';
import { MappingStep } from './MappingStep';
import { clashingColumns, hasIdentifier } from './mapping-targets';
import { PreviewStep } from './PreviewStep';
import { SettingsStep } from './SettingsStep';
import { UploadStep } from './UploadStep';
import {
  asEarlierImport,
  effectiveMapping,
  initialState,
  reachable,
  STEPS,
  type Step,
  stepOf,
  type WizardState,
} from './wizard-state';
import './imports.css';

export default function ImportWizardPage() {
  return (
    <RequireAdmin>
      <div className="kith-imports">
        <ImportWizard />
      </div>
    </RequireAdmin>
  );
}

function ImportWizard() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const settings = useImportSettings();
  const [state, setState] = useState<WizardState>(() => initialState(''));
  const [uploadProgress, setUploadProgress] = useState<number | null>(null);
  const step = stepOf(params.get('step'));
  const lost = Boolean((location.state as { lost?: boolean } | null)?.lost);

  // The region defaults to the server's (KITH_DEFAULT_REGION) once it is known.
  const defaultRegion = settings.data?.default_region;
  useEffect(() => {
    if (defaultRegion)
      setState((s) => (s.settings.region ? s : { ...s, settings: { ...s.settings, region: defaultRegion } }));
  }, [defaultRegion]);

  const mapping = useMemo(
    () => effectiveMapping(state.preview, state.choices),
    [state.preview, state.choices],
  );
  const columns = useMemo(() => state.preview?.header ?? [], [state.preview]);
  const mappingOk = hasIdentifier(mapping) && clashingColumns(columns, mapping).size === 0;
  const furthest = reachable(state, mappingOk);

  const goTo = (next: Step, replace = false) => void navigate(stepUrl(next), { replace });

  // Past the first step without a file (a reload, a shared link): back to the upload, saying why.
  useEffect(() => {
    if (step !== 'upload' && !state.file)
      void navigate('/imports/new', { replace: true, state: { lost: true } });
    else if (STEPS.indexOf(step) > STEPS.indexOf(furthest))
      void navigate(stepUrl(furthest), { replace: true });
  }, [step, state.file, furthest, navigate]);

  // The first preview sends the file; later ones name it by the handle the first one answered.
  const preview = useMutation({
    mutationFn: ({ file, uploadId, read }: { file: File; uploadId: string | null; read: ReadOptions }) =>
      uploadId
        ? previewUpload({ uploadId, file }, read, (fraction) => setUploadProgress(fraction))
        : previewFile(file, read, (fraction) => setUploadProgress(fraction)),
    onSettled: () => setUploadProgress(null),
  });

  const chooseFile = (file: File) => {
    preview.mutate(
      { file, uploadId: null, read: {} },
      {
        onSuccess: (result) => {
          // The file this one replaces is not needed any more: kept, it counts against the user's
          // limit of staged uploads for a day (a run took it already when it was imported).
          if (state.uploadId && state.uploadId !== result.upload_id)
            void discardUpload(state.uploadId).catch(() => {});
          // The failure file of an earlier import, fixed: mapped and set as that import was.
          const earlier = asEarlierImport(result);
          setState((s) => ({
            ...initialState(s.settings.region),
            settings: { ...s.settings, ...earlier?.settings },
            choices: earlier?.choices ?? {},
            file,
            uploadId: result.upload_id,
            preview: result,
          }));
          goTo('preview');
        },
      },
    );
  };

  const reread = (read: ReadOptions) => {
    if (!state.file) return;
    preview.mutate(
      { file: state.file, uploadId: state.uploadId, read },
      {
        onSuccess: (result) =>
          // Choices for columns that are still there stay; the others go with their columns.
          setState((s) => ({
            ...s,
            uploadId: result.upload_id,
            read,
            preview: result,
            choices: Object.fromEntries(
              Object.entries(s.choices).filter(([column]) => result.header.includes(column)),
            ),
          })),
      },
    );
  };

  const stepLabels: Record<Step, string> = {
    upload: t('imports.steps.upload'),
    preview: t('imports.steps.preview'),
    mapping: t('imports.steps.mapping'),
    settings: t('imports.steps.settings'),
    check: t('imports.steps.check'),
  };

  return (
    <>
      <PageHeader title={t('imports.wizard.title')} description={t('imports.wizard.description')} />
      <ImportModeSwitch current="customers" />
      <Stepper
        active={STEPS.indexOf(step)}
        onStepClick={(index) => goTo(STEPS[index]!)}
        allowNextStepsSelect={false}
        size="sm"
        mb="lg"
        aria-label={t('imports.wizard.stepsLabel')}
      >
        {STEPS.map((s) => (
          <Stepper.Step
            key={s}
            label={stepLabels[s]}
            allowStepSelect={STEPS.indexOf(s) <= STEPS.indexOf(furthest) && s !== step}
            aria-current={s === step ? 'step' : undefined}
          />
        ))}
      </Stepper>
      {lost && step === 'upload' && !state.file && (
        <Alert color="blue" mb="md" title={t('imports.wizard.lostTitle')}>
          {t('imports.wizard.lost')}
        </Alert>
      )}
      {step === 'upload' && (
        <UploadStep
          maxBytes={settings.data?.max_upload_bytes ?? null}
          onFile={chooseFile}
          reading={preview.isPending}
          progress={uploadProgress}
          // A new file refused (too large, too many waiting) is said here, also over an earlier one.
          error={
            preview.isError && (!state.preview || preview.variables?.uploadId === null) ? preview.error : null
          }
          current={state.file}
          onContinue={state.preview ? () => goTo('preview') : undefined}
        />
      )}
      {step === 'preview' && state.preview && state.file && (
        <PreviewStep
          file={state.file}
          preview={state.preview}
          read={state.read}
          onRead={reread}
          reading={preview.isPending}
          error={preview.isError ? preview.error : null}
          onBack={() => goTo('upload')}
          onNext={() => goTo('mapping')}
        />
      )}
      {step === 'mapping' && state.preview && (
        <MappingStep
          preview={state.preview}
          mapping={mapping}
          onChoose={(column, target) =>
            setState((s) => ({ ...s, choices: { ...s.choices, [column]: target } }))
          }
          onApply={(next) => setState((s) => ({ ...s, choices: { ...s.choices, ...next } }))}
          canContinue={mappingOk}
          onBack={() => goTo('preview')}
          onNext={() => goTo('settings')}
        />
      )}
      {step === 'settings' && state.preview && (
        <SettingsStep
          settings={state.settings}
          earlier={state.preview.earlier_import}
          mapping={mapping}
          onChange={(next) => setState((s) => ({ ...s, settings: { ...s.settings, ...next } }))}
          onBack={() => goTo('mapping')}
          onNext={() => goTo('check')}
        />
      )}
      {step === 'check' && state.file && state.preview && (
        <CheckStep
          state={state}
          onChecked={(check) => setState((s) => ({ ...s, check }))}
          onBack={() => goTo('settings')}
          onEdit={(s) => goTo(s)}
        />
      )}
    </>
  );
}

function stepUrl(step: Step): string {
  return step === 'upload' ? '/imports/new' : `/imports/new?step=${step}`;
}
