"""The words and names the synthetic corpus is made of: each field's vocabulary for titles and
abstracts, first and last names (some with diacritics) and CJK names, organisations, comment
lines with venues, and TeX fragments for math."""

from __future__ import annotations


def word_list(text: str) -> list[str]:
    return text.split()


FIELDS: dict[str, str] = {
    "learning": """
        network networks transformer transformers attention representation representations
        embedding embeddings gradient gradients regularization dropout overfitting
        generalization pretraining finetuning distillation pruning quantization sparsity
        ensemble ensembles classifier classifiers regression autoencoder autoencoders
        diffusion denoising consistency flows likelihood posterior prior priors inference
        backpropagation initialization normalization batch layer layers neuron neurons
        activation activations softmax logits tokenizer curriculum augmentation contrastive
        supervision pseudolabels meta-learning few-shot zero-shot hyperparameter
        hyperparameters scaling reward rewards policy policies agent agents exploration
        bandit bandits imitation demonstration trajectory trajectories critic actor
        value-function uncertainty calibration robustness adversarial perturbation
        perturbations interpretability saliency explanation explanations fairness bias
        memorization forgetting continual federated privacy mixture experts routing
        kernel kernels feature features manifold latent latents encoder decoder decoders
        objective objectives loss losses optimizer checkpoint checkpoints benchmark
        benchmarks dataset datasets
    """,
    "language": """
        language languages translation summarization parsing grammar syntax semantics
        pragmatics discourse dialogue dialog conversation question answering retrieval
        reasoning prompting prompt prompts instruction instructions alignment tokenization
        vocabulary morphology lexicon lexical corpus corpora annotation annotator
        annotators sentiment entailment coreference paraphrase paraphrasing
        hallucination factuality chatbot chatbots speech phoneme phonemes prosody
        transcription multilingual cross-lingual low-resource dialect dialects
        readability narrative narratives argument arguments stance toxicity moderation
        subword character characters sentence sentences document documents passage
        passages citation citations span spans entity entities relation relations
        knowledge commonsense chain-of-thought decoding beam perplexity
    """,
    "vision": """
        image images video videos pixel pixels segmentation detection recognition
        tracking depth stereo optical flow camera cameras scene scenes rendering
        radiance reconstruction geometry mesh meshes point-cloud voxel voxels texture
        textures illumination shading pose poses keypoint keypoints landmark landmarks
        face faces gesture gestures captioning grounding object objects instance
        instances panoptic superresolution deblurring inpainting colorization
        compression codec photograph photographs satellite aerial medical radiology
        ultrasound microscopy histology frame frames motion saliency occlusion
        correspondence homography calibration lidar thermal hyperspectral sketch
        sketches animation avatar avatars
    """,
    "theory": """
        algorithm algorithms complexity lower-bound upper-bound approximation hardness
        reduction reductions polynomial polynomials matrix matrices tensor tensors rank
        multiplication determinant permanent graph graphs vertex vertices edge edges
        coloring matching matchings cut cuts flow spanner spanners sparsifier
        sparsifiers expander expanders hypergraph hypergraphs clique cliques treewidth
        automaton automata circuit circuits query queries sketching streaming sublinear
        randomized derandomization pseudorandomness hashing dictionary dictionaries heap
        heaps sorting searching string strings pattern patterns dynamic amortized
        competitive online offline parameterized kernelization satisfiability solver
        solvers proof proofs verifier verifiers interactive zero-knowledge lattice
        lattices communication protocol protocols oracle oracles separation
        decomposition decompositions
    """,
    "optimization": """
        convex non-convex convexity minimization maximization saddle saddles stationary
        descent ascent momentum acceleration stochastic variance-reduced proximal
        projection projections constraint constraints duality dual primal lagrangian
        multiplier multipliers penalty barrier interior-point simplex linear quadratic
        semidefinite conic programming integer combinatorial submodular submodularity
        monotone regret bilevel minimax equilibrium equilibria landscape landscapes
        curvature hessian preconditioning preconditioner trust-region line-search
        convergence iteration iterations iterate iterates step-size schedule schedules
        warm-start relaxation relaxations rounding heuristic heuristics metaheuristic
        evolutionary swarm annealing
    """,
    "physics": """
        quantum qubit qubits entanglement decoherence superconducting photon photons
        photonic laser lasers spin spins lattice-gauge hadron hadrons quark quarks gluon
        gluons neutrino neutrinos boson bosons fermion fermions collider detector
        scattering cross-section symmetry symmetries supersymmetry string-theory
        holography black-hole horizon horizons cosmology inflation dark-matter
        dark-energy gravitational-wave gravitation relativity plasma plasmas turbulence
        turbulent viscosity superfluid superfluidity magnetism ferromagnet
        antiferromagnet topological insulator insulators semiconductor semiconductors
        phonon phonons exciton excitons polariton polaritons condensate condensates
        thermodynamics entropy hamiltonian hamiltonians renormalization anomaly anomalies
    """,
    "biology": """
        protein proteins gene genes genome genomes genomic transcriptome sequencing
        expression enzyme enzymes cell cells tissue tissues organoid organoids
        mutation mutations variant variants phenotype phenotypes genotype pathway
        pathways receptor receptors antibody antibodies antigen vaccine vaccines virus
        viruses bacteria bacterial microbiome pathogen pathogens immune immunity
        tumor tumors cancer metastasis epigenetic methylation chromatin transcription
        ribosome folding docking ligand ligands metabolism metabolic mitochondria
        neuron-types synapse synapses evolution evolutionary phylogeny phylogenetic
        population populations ecology ecosystem species biodiversity epidemic
        epidemics outbreak outbreaks
    """,
    "chemistry": """
        molecule molecules molecular catalyst catalysts catalysis reaction reactions
        synthesis retrosynthesis polymer polymers crystal crystals crystalline
        electrolyte electrolytes battery batteries electrode electrodes perovskite
        perovskites zeolite zeolites solvent solvents spectroscopy spectra spectrum
        oxidation reduction-potential adsorption desorption nanoparticle nanoparticles
        alloy alloys ceramic ceramics membrane membranes conformer conformers
        force-field dynamics-simulation density-functional orbital orbitals bond bonds
        isomer isomers chirality photocatalysis electrochemistry corrosion
    """,
    "robotics": """
        robot robots manipulation grasping locomotion quadruped humanoid gripper
        grippers actuator actuators controller controllers control feedback planning
        planner planners navigation localization mapping odometry slam obstacle
        obstacles collision collisions kinematics dynamics torque impedance teleoperation
        drone drones vehicle vehicles autonomous driving lane lanes pedestrian
        pedestrians swarm-robotics exoskeleton prosthesis haptic haptics tactile
        dexterous sim-to-real embodiment embodied
    """,
    "systems": """
        compiler compilers runtime runtimes scheduler schedulers cluster clusters
        datacenter datacenters cache caches caching memory storage filesystem database
        databases transaction transactions concurrency consensus replication
        fault-tolerance latency throughput bandwidth network-stack packet packets
        routing-protocol congestion serverless container containers virtualization
        hypervisor kernel-bypass accelerator accelerators gpu gpus tpu fpga hardware
        microarchitecture processor processors pipeline pipelines parallelism
        distributed sharding checkpointing energy power efficiency profiling debugging
        testing fuzzing verification specification specifications refactoring
        programs programming software repository repositories code-generation
    """,
    "statistics": """
        estimator estimators estimation hypothesis testing p-value confidence interval
        intervals bootstrap resampling bayesian frequentist sampler samplers mcmc
        variational sequential changepoint changepoints outlier outliers heavy-tailed
        covariance precision sparsity-pattern lasso ridge shrinkage quantile quantiles
        survival censoring causal causality confounding confounder instrument
        instruments treatment treatments randomization experiment experiments
        observational matching-estimator propensity forecasting time-series
        autoregressive seasonality nonparametric semiparametric conformal
        minimax-rate identifiability
    """,
    "economics": """
        market markets auction auctions mechanism mechanisms incentive incentives
        pricing price prices welfare utility utilities preference preferences voting
        election elections coalition coalitions bargaining contract contracts
        equilibrium-selection game games player players strategy strategies nash
        stackelberg matching-market allocation allocations envy-freeness fairness-notion
        budget budgets procurement platform platforms labor wage wages inflation-targeting
        monetary fiscal trade tariff tariffs
    """,
    "security": """
        cryptography encryption decryption signature signatures key-exchange
        post-quantum homomorphic obfuscation commitment commitments secret-sharing
        multiparty attestation enclave enclaves side-channel malware phishing intrusion
        anomaly-detection authentication authorization password passwords
        vulnerability vulnerabilities exploit exploits patch patches blockchain ledger
        ledgers smart-contract watermark watermarking forensics provenance
        differential-privacy anonymity censorship
    """,
    "mathematics": """
        manifolds cohomology homology homotopy sheaf sheaves category categories functor
        functors module modules ring rings field-extension galois prime primes modular
        elliptic curve curves surface surfaces variety varieties scheme schemes
        representation-theory lie-algebra group groups subgroup subgroups permutation
        permutations combinatorics partition partitions polytope polytopes
        real-rooted interlacing eigenvalue eigenvalues spectral operator operators
        hilbert banach measure measures martingale martingales diffusion-process
        brownian percolation ergodic ergodicity dynamical bifurcation chaos fractal
        fractals knot knots braid braids
    """,
    "neuroscience": """
        cortex cortical hippocampus hippocampal dopamine plasticity spiking
        electrophysiology calcium-imaging fmri eeg meg connectome connectomics
        perception attention-span memory-consolidation decision-making cognition
        cognitive behavior behaviors reward-prediction motor sensory visual-cortex
        auditory olfactory oscillation oscillations neural-coding population-coding
        brain-computer neuroimaging
    """,
    "medicine": """
        patient patients clinical trial trials diagnosis prognosis therapy therapies
        drug drugs dosage cohort cohorts biomarker biomarkers mortality morbidity
        hospital hospitals triage surgery surgical imaging-biomarker cardiology
        oncology radiotherapy chemotherapy diabetes obesity hypertension stroke sepsis
        dementia alzheimer depression anxiety vaccination screening pandemic telehealth
        electronic-health-records comorbidity readmission adherence pharmacology
        toxicology dermatology ophthalmology retina pediatric geriatric
    """,
    "climate": """
        climate weather precipitation rainfall drought droughts flood floods wildfire
        wildfires glacier glaciers ice-sheet sea-level ocean oceans atmosphere
        atmospheric aerosol aerosols carbon emissions methane warming downscaling
        reanalysis hurricane hurricanes cyclone cyclones monsoon soil vegetation
        forest forests deforestation land-use crop crops yield irrigation hydrology
        groundwater river rivers watershed permafrost albedo heatwave heatwaves
    """,
    "interaction": """
        user users interface interfaces usability accessibility visualization
        visualizations dashboard dashboards interaction crowdsourcing crowdworkers
        participants interview interviews survey-study questionnaire collaboration
        creativity writing-assistant tutoring learners students classroom curriculum
        feedback-loop notification notifications smartphone wearable wearables
        gaze eye-tracking virtual-reality augmented-reality gesture-input
        trust-calibration workload onboarding personalization recommendation
        recommendations recommender
    """,
    "signals": """
        signal signals filter filters filtering wavelet wavelets fourier sampling-rate
        compressed-sensing sparse-recovery denoiser beamforming antenna antennas
        channel channels modulation demodulation equalization radar sonar acoustic
        audio music speech-enhancement source-separation echo-cancellation
        spectrogram spectrograms phase-retrieval deconvolution interpolation
        quantizer quantizers coding-gain error-correction decoder-design mimo
        wireless millimeter-wave satellite-link
    """,
    "graphics": """
        shader shaders rasterization ray-tracing path-tracing global-illumination
        subsurface-scattering material materials brdf skinning rigging character-animation
        cloth fluid fluids smoke simulation simulations collision-detection physics-engine
        level-of-detail terrain procedural-generation typography font fonts vector-graphics
        stroke strokes painting paintings layout layouts
    """,
    "astronomy": """
        galaxy galaxies star stars stellar exoplanet exoplanets planet planets
        supernova supernovae pulsar pulsars quasar quasars telescope telescopes
        survey surveys redshift lensing cluster-galaxies nebula interstellar accretion
        magnetar magnetars cosmic-ray cosmic-rays radio-astronomy transient transients
        light-curve light-curves photometry astrometry
    """,
}

ADJECTIVES = word_list("""
    efficient scalable robust adaptive sparse dense deep shallow hierarchical recursive
    neural probabilistic stochastic deterministic bayesian causal conditional
    generative discriminative contrastive unsupervised semi-supervised self-supervised
    supervised multimodal multi-agent multi-task multi-scale multi-view cross-modal
    distributed decentralized federated parallel asynchronous incremental online
    offline continual lifelong interpretable explainable fair private secure verifiable
    certified provable optimal near-optimal approximate exact fast faster lightweight
    compact low-rank high-dimensional low-dimensional nonlinear linear quadratic convex
    geometric topological spectral temporal spatial spatiotemporal sequential
    structured unstructured latent implicit explicit differentiable discrete continuous
    continuous-time discrete-time universal general generalized unified simple minimal
    principled practical empirical theoretical statistical computational algorithmic
    quantitative qualitative comparative systematic comprehensive large-scale
    small-scale fine-grained coarse-grained long-range short-range local global
    invariant equivariant symmetric asymmetric balanced imbalanced noisy clean
    corrupted partial incomplete missing uncertain confident reliable trustworthy
    safe aligned instruction-tuned open-ended open-vocabulary open-source
    parameter-efficient memory-efficient energy-efficient data-efficient
    sample-efficient label-efficient compute-optimal hardware-aware physics-informed
    knowledge-grounded retrieval-augmented tool-augmented compositional modular
    reusable transferable zero-shot few-shot in-context emergent
""")

GENERAL_NOUNS = word_list("""
    framework frameworks approach approaches method methods model models analysis
    study survey perspective perspectives view evaluation evaluations benchmark
    characterization theory foundations principles limits limitations challenges
    opportunities trade-offs tradeoff guarantees bounds insights lessons properties
    behavior dynamics mechanisms structure design designs architecture architectures
    system systems toolkit library platform pipeline recipe recipes paradigm
    paradigms formulation formulations perspective-shift case-study experiments
    measurement measurements estimation learning inference reasoning search
    synthesis discovery understanding generation prediction detection control
""")

VERBS: tuple[tuple[str, str, str], ...] = (
    ("propose", "proposes", "Proposing"),
    ("introduce", "introduces", "Introducing"),
    ("study", "studies", "Studying"),
    ("analyze", "analyzes", "Analyzing"),
    ("present", "presents", "Presenting"),
    ("develop", "develops", "Developing"),
    ("characterize", "characterizes", "Characterizing"),
    ("establish", "establishes", "Establishing"),
    ("improve", "improves", "Improving"),
    ("accelerate", "accelerates", "Accelerating"),
    ("revisit", "revisits", "Revisiting"),
    ("unify", "unifies", "Unifying"),
    ("scale", "scales", "Scaling"),
    ("stabilize", "stabilizes", "Stabilizing"),
    ("simplify", "simplifies", "Simplifying"),
    ("learn", "learns", "Learning"),
    ("estimate", "estimates", "Estimating"),
    ("bound", "bounds", "Bounding"),
    ("compress", "compresses", "Compressing"),
    ("benchmark", "benchmarks", "Benchmarking"),
    ("quantify", "quantifies", "Quantifying"),
    ("exploit", "exploits", "Exploiting"),
    ("mitigate", "mitigates", "Mitigating"),
    ("detect", "detects", "Detecting"),
    ("recover", "recovers", "Recovering"),
    ("reconstruct", "reconstructs", "Reconstructing"),
    ("generalize", "generalizes", "Generalizing"),
    ("decompose", "decomposes", "Decomposing"),
    ("align", "aligns", "Aligning"),
    ("certify", "certifies", "Certifying"),
)

METHOD_HEADS = word_list("""
    Flash Graph Neuro Deep Meta Hyper Omni Pro Fast Sparse Auto Diffu Trans Quant Spectra
    Mono Poly Vision Lingua Robo Chem Geo Astro Bio Cryp Proto Cog Mem Flux Prism Tensor
    Vec Kern Spline Lattice Orbit Pulse Echo Nova Atlas Vertex Helix Quasar Photon Cortex
""")
METHOD_TAILS = word_list("""
    Net Former GAN Flow Bench Seq Mix Fuse Sort Map Tune Prompt Diff Align Graph Cast
    Lens Scope Forge Stack Mind Grad Pool Sketch Path Gen Coder Loop Shift Net++ Zero
""")

STOPWORDS = frozenset(
    word_list("a an the of for and in on with via from to at by as or is are we our this that")
)

# --------------------------------------------------------------------------- names

FIRST_NAMES = word_list("""
    Aaron Adam Aditya Aidan Akila Alan Alec Aleksander Alex Alexander Alexi Alice Amin
    Amelia Ana Andrea Andrei Anna Anton Arjun Astrid Ayesha Beatriz Ben Bianca Björn
    Bo Bruno Camille Carlos Carmen Chen Cheng Chiara Chloé Chris Clara Daniel Dario David
    Deepa Diego Dmitri Dóra Elena Elif Emil Emma Erik Esther Fatima Felix Fernando
    Francesca François Gabriel Giulia Grace Hailun Hana Hannah Hao Haozhe Hiroshi Hugo
    Ian Ilya Ingrid Isabel Ivan Jakub Jan Javier Jiří Jie Jing Johan José Jun Jürgen
    Kai Kamala Karim Katarzyna Kenji Kim Lars Laura Lea Leila Leon Li Lin Lucas Luis
    Łukasz Magnus Maja Małgorzata Marco Maria Marta Mateo Matías Maya Mei Mia Michael
    Miguel Miłosz Min Ming Minlie Mohammed Nadia Naoko Nathan Nikolai Nina Noël Noor
    Olga Omar Oscar Pablo Paolo Pedro Pei Phil Philippe Pierre Priya Qiang Rafael Rahul
    Rania Renée Ricardo Rosa Ruth Sakura Samuel Sara Sebastian Sergei Shihua Siân Simone
    Sofia Søren Sunan Sven Tadashi Tamar Tianhua Tomás Tomáš Uma Valentina Victor Wei
    Wenming Xavier Xin Yan Yang Yasmin Yilin Yong Yuan Yusuf Zainab Zhao Zoë Ömer Ádám
""")

LAST_NAMES = word_list("""
    Abbott Adeyemi Ahlberg Ahmed Alvarez Andersen Aoki Baker Banerjee Bauer Becker
    Bergström Bernard Bianchi Brandt Brown Byrne Cai Campbell Castillo Chakraborty Chen
    Cho Christakis Clark Costa Cruz Dąbrowski Das Dvořák Eriksson Evans Fischer Fontaine
    Fujita García Gonçalves González Gupta Hansen Hayes Hernández Hoffmann Horvath Huang
    Hurst Iyer Jansen Jensen Ji Johansson Jones Kapoor Kato Keller Khan Kim Kirillov
    Kovačević Kowalski Krause Kumar Larsen Laurent Lee Lehmann Lerer Li Lian Lindqvist
    Liu López Lu Luo Mądry Martin Martínez Meyer Moreau Morris Müller Nakamura Navarro
    Nguyen Nichol Niu Nováková Nowak O'Connell Okafor Olsen Ortiz Park Passos Patel
    Perelman Petrov Popescu Qi Radford Ramesh Reyes Ricci Rossi Russo Sato Schmidt
    Schneider Schröder Schuller Silva Singh Smith Sørensen Song Suzuki Szabó Tanaka
    Tang Thompson Tillet Tootoonchian Torres Vasquez Vogel Wagner Wang Weber Welihinda
    Wiśniewski Wójcik Wu Xia Xu Yamamoto Yang Y\u0131lmaz Zeng Zhang Zhao Zheng Zhou Zhu
    Zielińska Zong Çelik Ødegaard Østergaard Ñúñez
""")

CJK_NAMES: tuple[tuple[str, str], ...] = (("李", "明"), ("王", "芳"), ("张", "伟"))
BARE_OWNER_NAMES = ("Tony", "Maria", "Kenji", "Sam", "Alex")
ORGANIZATIONS = ("OpenAI", "ATLAS Collaboration", "CMS Collaboration", "LIGO Scientific")

COMMENTS = (
    "NeurIPS {y}",
    "ICML {y}",
    "ICLR {y}",
    "STOC {y}",
    "Accepted at CVPR {y}",
    "{n}pp",
    "{n} pages, {k} figures",
    "{n} pages, 1 figure",
    "{n}+{k} pages, {f} figures",
    "v2: corrected typos in Section {k}",
)

MATH_SNIPPETS = (
    r"$O(n^{{{k}}}\log n)$",
    r"$\tilde{{O}}(n^{{\omega+{k}}})$",
    r"$\Omega(\sqrt{{n}})$",
    r"$k \geq {k}$",
    r"$\epsilon$",
    r"$M_{{\langle {k}\rangle}}$",
    r"$||\beta{{\bf z}}||_{{2}}$",
    r"$\mathbb{{R}}^{{d}}$",
    r"$1-1/e$",
    r"$\alpha = 0.{k}$",
    r"$\sum_{{i=1}}^{{n}} x_i^{k}$",
    r"$(1+\epsilon)$",
    r"$\mathcal{{O}}(d/\epsilon^{{{k}}})$",
)
