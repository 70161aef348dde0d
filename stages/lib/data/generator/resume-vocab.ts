// Word lists for the embedded resume generator; names, places and companies come from faker.

export const SKILLS = [
  'Python', 'Java', 'JavaScript', 'TypeScript', 'C++', 'C#', 'Go', 'Rust', 'SQL', 'PostgreSQL', 'MySQL',
  'MongoDB', 'Redis', 'React', 'Angular', 'Vue.js', 'Node.js', 'Express', 'Django', 'Flask', 'Spring Boot',
  'Docker', 'Kubernetes', 'Terraform', 'AWS', 'Azure', 'Google Cloud', 'Linux', 'Git', 'Jenkins', 'CI/CD',
  'TensorFlow', 'PyTorch', 'scikit-learn', 'Pandas', 'NumPy', 'Spark', 'Hadoop', 'Kafka', 'Tableau',
  'Power BI', 'Excel', 'SAP', 'Salesforce', 'Figma', 'Photoshop', 'HTML', 'CSS', 'REST APIs', 'GraphQL',
  'Machine Learning', 'Deep Learning', 'NLP', 'Data Analysis', 'Agile', 'Scrum', 'JIRA', 'Selenium',
  'Project Management', 'Business Analysis', 'Digital Marketing', 'SEO', 'Accounting', 'Six Sigma',
  'Oracle', 'Microsoft Office', 'AutoCAD', 'MATLAB', 'R', 'Swift', 'Kotlin', 'Android', 'iOS', 'Unix shell',
] as const;

export const DESIGNATIONS = [
  'Software Engineer', 'Senior Software Engineer', 'Software Developer', 'Data Scientist', 'Data Analyst',
  'Machine Learning Engineer', 'DevOps Engineer', 'Frontend Developer', 'Backend Developer',
  'Full Stack Developer', 'Project Manager', 'Product Manager', 'Business Analyst', 'QA Engineer',
  'Test Engineer', 'System Administrator', 'Technical Lead', 'Team Lead', 'Consultant', 'Senior Consultant',
  'Associate Consultant', 'Network Engineer', 'Cloud Architect', 'Solutions Architect', 'Database Administrator',
  'Marketing Manager', 'Sales Executive', 'HR Executive', 'Accountant', 'Financial Analyst', 'Intern',
  'Graduate Trainee', 'Engineering Manager', 'UI/UX Designer', 'Support Engineer',
] as const;

export const DEGREES = [
  'B.Tech in Computer Science', 'B.Tech', 'B.E. in Electronics', 'Bachelor of Engineering',
  'Bachelor of Science in Computer Science', 'B.Sc. Mathematics', 'BCA', 'MCA', 'M.Tech', 'M.Sc. Data Science',
  'Master of Science in Information Technology', 'MBA', 'MBA in Finance', 'Master of Business Administration',
  'Bachelor of Commerce', 'B.Com', 'Ph.D. in Physics', 'Diploma in Mechanical Engineering', 'BA in Economics',
  'Master of Computer Applications', 'B.S. Electrical Engineering', 'M.S. Computer Science',
] as const;

export const COLLEGE_PATTERNS = [
  'University of {city}', '{city} Institute of Technology', '{state} State University', '{last} College',
  '{last} University', '{city} College of Engineering', 'National Institute of Technology, {city}',
  '{state} University', '{last} School of Business', '{city} Technical University',
] as const;

export const HEADINGS = {
  summary: ['Summary', 'Profile', 'Professional Summary', 'About Me', 'Career Objective', 'Objective'],
  experience: ['Experience', 'Work Experience', 'Professional Experience', 'Employment History', 'Work History'],
  education: ['Education', 'Academic Qualifications', 'Educational Background', 'Qualifications'],
  skills: ['Skills', 'Technical Skills', 'Key Skills', 'Core Competencies', 'Skill Set', 'IT Skills'],
} as const;

export const SUMMARY_PATTERNS = [
  '{desig} with {yoe} of experience in {skill} and {skill}.',
  'Results-driven professional having {yoe} of experience as a {desig}.',
  'I am a {desig} with {yoe} experience building solutions using {skill}.',
  'Over the last {yoe} I have worked with {skill}, {skill} and {skill}.',
  'Seeking a challenging role where I can apply my skills in {skill}.',
  'Dedicated {desig} looking for new opportunities. Total experience: {yoe}.',
] as const;

export const BULLET_PATTERNS = [
  'Developed and maintained services using {skill} and {skill}.',
  'Led a team of {n} engineers delivering {skill} projects.',
  'Improved performance by {n}% through {skill} optimisation.',
  'Worked closely with clients to gather requirements.',
  'Migrated legacy systems to {skill}.',
  'Built dashboards in {skill} for senior management.',
  'Responsible for code reviews and mentoring juniors.',
] as const;

export const BULLETS = ['- ', '* ', '• ', '▪ ', '> ', ''] as const;
export const SEPARATORS = [' | ', ' • ', ', ', ' / ', ' ; ', '  '] as const;
export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
export const NUMBER_WORDS = ['two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'ten'] as const;

export const NOISE = [
  'Page 1 of 2', 'Curriculum Vitae', 'References available upon request.', 'RESUME',
  'Declaration: I hereby declare that the above information is true to the best of my knowledge.',
  'Hobbies: reading, travelling, cricket', 'Languages known: English, Hindi', 'Marital status: Single',
] as const;
